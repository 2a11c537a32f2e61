import { describe, expect, it } from "vitest";
import { FlatIndex } from "../src/index.js";

// One V8 Map holds at most 2^24 entries; an 18M-passage index has more ids than that.
const PAST_MAP_LIMIT = 2 ** 24 + 5;

describe("ids past 2^24", () => {
  it("an index of 2^24 + 5 one-dimensional vectors keeps every id, refuses a repeat and finds the last rows", () => {
    const ids = Array.from({ length: PAST_MAP_LIMIT }, (_, i) => i.toString(36));
    // every row 0 but the last three (1, 2, 3): they are the best matches of the query 1, last first
    const vectors = new Float32Array(PAST_MAP_LIMIT);
    vectors.set([1, 2, 3], PAST_MAP_LIMIT - 3);
    const index = FlatIndex.create({ dimensions: 1 });
    index.add(ids.slice(0, 5), vectors.subarray(0, 5));
    index.add(ids.slice(5), vectors.subarray(5));
    expect(index.size).toBe(PAST_MAP_LIMIT);
    expect(index.ids()[PAST_MAP_LIMIT - 1]).toBe((PAST_MAP_LIMIT - 1).toString(36));
    const last = ids.slice(-3).reverse();
    expect(index.search(Float32Array.of(1), 3).ids).toEqual(last);
    expect(() => index.add(["x-new", ids[PAST_MAP_LIMIT - 1]!], Float32Array.of(0, 0))).toThrow(
      `duplicate id "${ids[PAST_MAP_LIMIT - 1]}" at position 1: already in the index (row ${PAST_MAP_LIMIT - 1})`,
    );
    expect(() => index.add(["x-new", "0"], Float32Array.of(0, 0))).toThrow(
      'duplicate id "0" at position 1: already in the index (row 0)',
    );
    expect(index.size).toBe(PAST_MAP_LIMIT);
    index.add(["x-new"], Float32Array.of(1));
    expect(index.size).toBe(PAST_MAP_LIMIT + 1);
  }, 180_000);
});
