import { describe, expect, it } from "vitest";
import { createRng, xoshiro128ss } from "../src/rng.js";

describe("xoshiro128**", () => {
  it("matches the reference C implementation", () => {
    // Outputs of the reference algorithm (Blackman & Vigna) compiled with gcc from state {1, 2, 3, 4}.
    const rng = xoshiro128ss([1, 2, 3, 4]);
    const first = Array.from({ length: 8 }, () => rng.nextUint32());
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    const other = xoshiro128ss([0x9e3779b9, 0x7f4a7c15, 0xdeadbeef, 0x12345678]);
    for (let i = 0; i < 1000; i++) other.nextUint32();
    expect(Array.from({ length: 4 }, () => other.nextUint32())).toEqual([
      341884307, 596026497, 431764096, 3192179460,
    ]);
  });

  it("refuses the all-zero state", () => {
    expect(() => xoshiro128ss([0, 0, 0, 0])).toThrow(/all zero/);
  });
});

describe("createRng", () => {
  it("gives the same stream for the same (seed, parts) and different ones otherwise", () => {
    const take = (rng: ReturnType<typeof createRng>) => Array.from({ length: 5 }, () => rng.nextFloat());
    const a = take(createRng(7, "doc1", "ja", 0));
    expect(take(createRng(7, "doc1", "ja", 0))).toEqual(a);
    for (const other of [
      createRng(8, "doc1", "ja", 0),
      createRng(7, "doc1", "ja", 1),
      createRng(7, "doc1", "ko", 0),
    ]) {
      expect(take(other)).not.toEqual(a);
    }
    // Parts are length-prefixed: moving a character across a boundary is a different stream.
    expect(take(createRng(7, "ab", "c"))).not.toEqual(take(createRng(7, "a", "bc")));
  });

  it("seeds xoshiro128** with SHA-256 of the length-prefixed parts (checked with Python hashlib + the C reference)", () => {
    // sha256(b"2:42;5:doc-1;2:ja;1:3;")[:16] as four little-endian uint32 words, fed to the C generator.
    const rng = createRng(42, "doc-1", "ja", 3);
    expect(Array.from({ length: 3 }, () => rng.nextUint32())).toEqual(PINNED);
  });

  it("draws uniform floats in [0, 1) (chi-square over 20 bins, p = 0.001 critical value 43.82)", () => {
    const rng = createRng(1, "uniformity");
    const bins = new Array<number>(20).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      if (!(u >= 0 && u < 1)) outside++;
      else bins[Math.floor(u * 20)]!++;
    }
    expect(outside).toBe(0);
    const expected = n / 20;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.82);
  });

  it("rejects a seed that is not a safe integer", () => {
    expect(() => createRng(1.5)).toThrow(/seed must be a safe integer/);
  });
});

const PINNED = [4249001736, 3552149761, 1513247466];
