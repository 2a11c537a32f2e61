import { describe, expect, it } from "vitest";
import { argmax, topKIndices } from "../src/top-k.js";
import { hashedLogits } from "./fake-model.js";

/** The obvious way: sort everything, keep values >= the k-th largest. */
function bySorting(values: ArrayLike<number>, k: number): number[] {
  const ids = Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => values[b]! - values[a]! || a - b,
  );
  if (k >= ids.length) return ids;
  const threshold = values[ids[k - 1]!]!;
  return ids.filter((i) => values[i]! >= threshold);
}

describe("topKIndices", () => {
  it("equals a full sort on random rows for many k", () => {
    for (const [n, key] of [
      [1000, "a"],
      [250, "b"],
      [7, "c"],
    ] as const) {
      const values = hashedLogits(n, key);
      for (const k of [1, 2, 5, 50, n - 1, n, n + 3])
        expect(Array.from(topKIndices(values, k))).toEqual(bySorting(values, k));
    }
  });

  it("keeps every value tied with the k-th (HF: scores >= k-th largest survive)", () => {
    const values = [0.5, 3, 1, 3, 1, 1, -2];
    expect(Array.from(topKIndices(values, 2))).toEqual([1, 3]);
    expect(Array.from(topKIndices(values, 3))).toEqual([1, 3, 2, 4, 5]);
    // A tied value pushed out of the heap by a larger one still counts.
    expect(Array.from(topKIndices([1, 1, 5], 2))).toEqual([2, 0, 1]);
    expect(Array.from(topKIndices([2, 1, 1, 5, 0], 3))).toEqual([3, 0, 1, 2]);
  });

  it("handles -Infinity and k = 0", () => {
    const values = [Number.NEGATIVE_INFINITY, 2, Number.NEGATIVE_INFINITY, 1];
    expect(Array.from(topKIndices(values, 2))).toEqual([1, 3]);
    expect(Array.from(topKIndices(values, 3))).toEqual([1, 3, 0, 2]);
    expect(Array.from(topKIndices(values, 0))).toEqual([]);
  });
});

describe("argmax", () => {
  it("returns the first index of the maximum, like torch.argmax", () => {
    expect(argmax([1, 5, 2, 5])).toBe(1);
    expect(argmax(new Float32Array([-3, -1, -2]))).toBe(1);
  });
});
