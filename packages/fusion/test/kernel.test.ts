import { describe, expect, it } from "vitest";
import { compileKernel, kernelSource } from "../scripts/build-kernel.mjs";
import { MixArena, mixInto } from "../src/kernel/mix.js";
import { MIX_WASM_BASE64 } from "../src/kernel/mix-wasm.js";

const f = Math.fround;
const reference = (p: Float32Array, s: Float32Array, keep: number, alpha: number) =>
  p.map((x, i) => f(f(keep * x) + f(alpha * s[i]!)));

/** Deterministic float32 values of every kind: ordinary, tiny, subnormal, huge, signed zeros, infinities. */
function values(n: number, seed: number): Float32Array {
  const special = [0, -0, 1e-40, -1e-45, 3.4e38, -3.4e38, Number.POSITIVE_INFINITY, 1e-30, 65504, -1];
  let x = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return i % 13 === 5 ? special[x % special.length]! : (x / 2 ** 31 - 1) * 10 ** ((x % 9) - 4);
  });
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe("mix kernel (WebAssembly SIMD)", () => {
  it("is the compiled form of kernel/mix.wat", async () => {
    const bytes: Buffer = await compileKernel();
    expect(bytes.toString("base64")).toBe(MIX_WASM_BASE64);
    expect(kernelSource(bytes)).toContain(MIX_WASM_BASE64);
  });

  it("gives the bits of float32 step-by-step arithmetic at every length, copied in chunks", () => {
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 16384, 16385, 40000 + 3]) {
      for (const [keep, alpha] of [
        [f(0.99), f(0.01)],
        [f(0.5), f(0.5)],
        [f(1), f(0)],
        [f(0.7), f(0.3)],
      ] as const) {
        const p = values(n, n + 1);
        const s = values(n, n + 7);
        const out = new Float32Array(n).fill(Number.NaN);
        mixInto(out, p, s, keep, alpha);
        expect(bits(out)).toEqual(bits(reference(p, s, keep, alpha)));
      }
    }
  });

  it("works in place on arena buffers at any offset, and leaves the rest of the arena alone", () => {
    const arena = new MixArena(3, 1000);
    const [out, p, s] = arena.buffers as [Float32Array, Float32Array, Float32Array];
    p.set(values(1000, 3));
    s.set(values(1000, 4));
    out.fill(42);
    const keep = f(0.99);
    const alpha = f(0.01);
    mixInto(out.subarray(5, 996), p.subarray(1, 992), s.subarray(9, 1000), keep, alpha, arena);
    expect(bits(out.subarray(5, 996))).toEqual(
      bits(reference(p.subarray(1, 992), s.subarray(9, 1000), keep, alpha)),
    );
    expect([...out.subarray(0, 5), ...out.subarray(996)]).toEqual(Array(9).fill(42));
    expect(arena.holds(out) && !arena.holds(new Float32Array(4))).toBe(true);
  });

  it("refuses arrays of different lengths and arenas larger than WebAssembly memory", () => {
    expect(() => mixInto(new Float32Array(3), new Float32Array(3), new Float32Array(2), 1, 0)).toThrow(
      /lengths differ \(out 3, p 3, s 2\)/,
    );
    expect(() => new MixArena(2, 2 ** 28 + 1)).toThrow(/exceed the kernel.s 2 GiB/);
  });
});
