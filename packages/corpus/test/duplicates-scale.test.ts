import { describe, expect, it } from "vitest";
import { createDuplicateDetector } from "../src/read/duplicates.js";

// One V8 Map or Set holds at most 2^24 entries; an 18M-passage corpus has more ids than that.
const PAST_MAP_LIMIT = 2 ** 24 + 10;

describe("the duplicate detector past 2^24 ids", () => {
  it("takes 2^24 + 10 distinct ids, then finds a repeat of the first and of the last", () => {
    const detector = createDuplicateDetector({ file: "ids" });
    for (let i = 0; i < PAST_MAP_LIMIT; i++) {
      if (detector.add(i.toString(36), i + 1) !== undefined) throw new Error(`id ${i} reported as a repeat`);
    }
    expect(detector.size).toBe(PAST_MAP_LIMIT);
    expect(detector.add("0", PAST_MAP_LIMIT + 1)).toBe(1);
    expect(detector.add((PAST_MAP_LIMIT - 1).toString(36), PAST_MAP_LIMIT + 2)).toBe(PAST_MAP_LIMIT);
    expect(detector.add("not-a-number", PAST_MAP_LIMIT + 3)).toBeUndefined();
    expect(detector.size).toBe(PAST_MAP_LIMIT + 1);
  }, 120_000);
});
