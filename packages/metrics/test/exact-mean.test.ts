import { describe, expect, it } from "vitest";
import { exactMean } from "../src/stats/exact-mean.js";

// Expected values printed by Python 3.11's statistics.mean (the official XOR script's averaging):
//   /usr/bin/python3 -c "import statistics; print(repr(statistics.mean([...])))"
describe("exactMean (Python statistics.mean)", () => {
  it("rounds once from the exact sum", () => {
    expect(exactMean([0.1, 0.2, 0.3])).toBe(0.2);
    expect((0.1 + 0.2 + 0.3) / 3).toBe(0.20000000000000004);
    const xs = [
      41.07142857142857, 33.33333333333333, 57.89473684210527, 12.5, 99.99999999999999, 0.1,
      66.66666666666667,
    ];
    expect(exactMean(xs)).toBe(44.50945220193341);
    expect(exactMean([3e-300, 2.5, 7])).toBe(3.1666666666666665);
  });

  it("handles signs, zeros and empty input", () => {
    expect(exactMean([-1, -2])).toBe(-1.5);
    expect(exactMean([0, 0])).toBe(0);
    expect(exactMean([])).toBeNaN();
  });
});
