import { describe, expect, it } from "vitest";
import { IdMap } from "../src/id-map.js";

// One V8 Map holds at most 2^24 entries; an 18M-passage index has more ids than that.
const PAST_MAP_LIMIT = 2 ** 24 + 5;

describe("ids past 2^24", () => {
  it("the id map of an index keeps 2^24 + 5 ids, refuses a repeat and finds the last ids by key", () => {
    const ids = Array.from({ length: PAST_MAP_LIMIT }, (_, i) => i.toString(36));
    const map = new IdMap();
    map.append(ids.slice(0, 5));
    map.append(ids.slice(5));
    expect(map.size).toBe(PAST_MAP_LIMIT);
    expect(map.ids()[PAST_MAP_LIMIT - 1]).toBe((PAST_MAP_LIMIT - 1).toString(36));
    expect(map.idOf(BigInt(PAST_MAP_LIMIT - 1))).toBe(ids.at(-1));
    expect(map.has(ids.at(-1)!)).toBe(true);
    expect(() => map.append(["x-new", ids[PAST_MAP_LIMIT - 1]!])).toThrow(
      `duplicate id "${ids[PAST_MAP_LIMIT - 1]}" at position 1: already in the index (row ${PAST_MAP_LIMIT - 1})`,
    );
    expect(() => map.append(["x-new", "0"])).toThrow(
      'duplicate id "0" at position 1: already in the index (row 0)',
    );
    expect(map.size).toBe(PAST_MAP_LIMIT);
    map.append(["x-new"]);
    expect(map.size).toBe(PAST_MAP_LIMIT + 1);
  }, 180_000);
});
