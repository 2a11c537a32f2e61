import { fixtureDir, goldens } from "@xqg/fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { createEncoder, type Encoder } from "../src/index.js";

// tiny-bert's float16 and int8 variants (tooling/fixtures/builder/build_precision.py): model_fp16.onnx returns a
// float16 last_hidden_state (as `optimum-cli export onnx --fp16` exports do), model_quantized.onnx is laid out as
// quantize_dynamic lays it out (DynamicQuantizeLinear + MatMulInteger, int8 weights, float32 inputs and outputs).
// ONNX Runtime's Python package is not installed here, so the reference is the float32 model's PyTorch goldens:
// cosines and largest differences are pinned as measured with ONNX Runtime 1.23.2 on CPU, Node 22 and 24 alike.

const dir = fixtureDir("tiny-bert");
const golden = await goldens("tiny-bert");
const texts = golden.batch.texts;
const encoders: Encoder[] = [];
afterAll(async () => {
  for (const e of encoders) await e.close();
});
const open = async (opts: { variant?: string; quantized?: boolean }) => {
  const encoder = await createEncoder(dir, { ...opts, warn: () => {} });
  encoders.push(encoder);
  return encoder;
};

function compare(got: Float32Array, want: number[][]): { minCosine: number; maxDiff: number } {
  let minCosine = 1;
  let maxDiff = 0;
  want.forEach((row, r) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    row.forEach((b, d) => {
      const a = got[r * row.length + d]!;
      ab += a * b;
      aa += a * a;
      bb += b * b;
      maxDiff = Math.max(maxDiff, Math.abs(a - b));
    });
    minCosine = Math.min(minCosine, ab / Math.sqrt(aa * bb));
  });
  return { minCosine, maxDiff };
}

// Measured (ONNX Runtime 1.23.2, CPU): the smallest cosine over the 13 texts and the largest difference of one
// value, for CLS and mean pooling; the pins below leave a margin under the cosine, none over the difference's
// order of magnitude.
const MEASURED = {
  fp16: { cls: { minCosine: 0.999999, maxDiff: 0.0035 }, mean: { minCosine: 0.9999994, maxDiff: 0.0025 } },
  int8: { cls: { minCosine: 0.99835, maxDiff: 0.2256 }, mean: { minCosine: 0.99894, maxDiff: 0.1477 } },
} as const;

describe("tiny-bert in float16 and int8", () => {
  for (const [name, opts] of [
    ["fp16", { variant: "fp16" }],
    ["int8", { quantized: true }],
  ] as const) {
    for (const pooling of ["cls", "mean"] as const) {
      it(`${name}, ${pooling} pooling: float32 embeddings within the measured cosine and difference of the goldens`, async () => {
        const encoder = await open(opts);
        const got = await encoder.encode(texts, { role: "query", maxLength: 64, pooling });
        expect(got).toBeInstanceOf(Float32Array);
        expect(got).toHaveLength(texts.length * 64);
        const { minCosine, maxDiff } = compare(got, golden.batch[pooling]);
        const measured = MEASURED[name][pooling];
        expect(minCosine).toBeGreaterThanOrEqual(measured.minCosine - 1e-6);
        expect(maxDiff).toBeLessThan(measured.maxDiff * 1.05);
        expect(maxDiff).toBeGreaterThan(measured.maxDiff * 0.95);
      });
    }
  }

  it("fp16: CLS embeddings are the graph's float16 values, converted exactly (pinned, within one float16 step)", async () => {
    const encoder = await open({ variant: "fp16" });
    const got = await encoder.encode(texts.slice(0, 1), { role: "query", maxLength: 64, pooling: "cls" });
    const pinned = [0.492431640625, 0.76904296875, 2.373046875, 1.1015625];
    pinned.forEach((value, i) => {
      // float16's step is 2^-11 of the value's power of two
      expect(Math.abs(got[i]! - value)).toBeLessThanOrEqual(2 ** (Math.floor(Math.log2(value)) - 10));
    });
    // float16 values have at most 11 significant bits: scaled to its power of two, each is a multiple of 2^-10
    for (const x of got) {
      const scaled = Math.abs(x) * 2 ** (10 - Math.floor(Math.log2(Math.abs(x))));
      expect(Number.isInteger(scaled) || x === 0).toBe(true);
    }
  });
});
