import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createSession, feedable, floatData, ModelError, Tensor } from "../src/index.js";

// These run on Node 22 (no Float16Array) and Node 24 (Float16Array: ORT's Tensor wraps float16 data in it).
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const hasFloat16Array = typeof (globalThis as { Float16Array?: unknown }).Float16Array === "function";

describe("floatData", () => {
  it("converts float16 bits exactly: normal, subnormal, largest, infinite and NaN values", () => {
    const bits = Uint16Array.from([
      0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3555,
    ]);
    const got = floatData(new Tensor("float16", bits, [bits.length]), "x");
    expect(Array.from(got)).toEqual([
      1,
      -2,
      2 ** -24,
      1023 * 2 ** -24,
      2 ** -14,
      65504,
      -65504,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      -0,
      0.333251953125,
    ]);
  });

  it.skipIf(!hasFloat16Array)("agrees with Node 24's Float16Array on all 65,536 bit patterns", () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const Half = (globalThis as unknown as { Float16Array: new (b: ArrayBuffer) => ArrayLike<number> })
      .Float16Array;
    const want = Float32Array.from(new Half(bits.buffer));
    expect(floatData(new Tensor("float16", bits, [65536]), "x")).toEqual(want);
  });

  it("returns float32 data as it is and refuses other types in one line", () => {
    const data = Float32Array.from([1.5, -2]);
    expect(floatData(new Tensor("float32", data, [2]), "x")).toBe(data);
    const ids = new Tensor("int64", BigInt64Array.from([1n]), [1]);
    expect(() => floatData(ids, "output logits")).toThrow(ModelError);
    expect(() => floatData(ids, "output logits")).toThrow(
      "output logits is int64; xqg reads float32 and float16 outputs",
    );
  });
});

describe("feedable", () => {
  it("lets a float16 output be fed back as an input, on Node 22 and Node 24", async () => {
    const session = await createSession(join(FIXTURES, "half-identity.onnx"));
    const bits = Uint16Array.from([0x3c00, 0x4200, 0xbc00]);
    const first = await session.run({ x: feedable(new Tensor("float16", bits, [3])) });
    const y = first["y"]!;
    expect(y.type).toBe("float16");
    expect(Array.from(floatData(y, "y"))).toEqual([1, 3, -1]);
    const again = await session.run({ x: feedable(y) });
    expect(Array.from(floatData(again["y"]!, "y"))).toEqual([1, 3, -1]);
    if (hasFloat16Array) {
      // what feedable is for: ORT 1.23.2 refuses its own Float16Array-backed tensor as an input on Node 24
      await expect(session.run({ x: y })).rejects.toThrow(/typed array \(4\) for float16 tensors/);
    }
    await session.release();
  });

  it("returns tensors of other types as they are", () => {
    const t = new Tensor("float32", Float32Array.from([1]), [1]);
    expect(feedable(t)).toBe(t);
  });
});

describe("bfloat16 graphs", () => {
  it("are refused when opened, saying why", async () => {
    const failure = createSession(join(FIXTURES, "bfloat16.onnx"));
    await expect(failure).rejects.toThrow(ModelError);
    await expect(failure).rejects.toThrow(
      /Unsupported data type: 16 \(a bfloat16 graph: ONNX Runtime's CPU provider and onnxruntime-node cannot run bfloat16; export in float32 or float16, or quantize to int8\)/,
    );
  });
});
