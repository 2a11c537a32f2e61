import { cpSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureDir, goldens } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { createEncoder } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const golden = await goldens("tiny-bert");
const encoder = await createEncoder(fixtureDir("tiny-bert"));
afterAll(() => encoder.close());

const texts = golden.batch.texts;
const maxLength = 64; // tiny-bert's max_position_embeddings

function maxAbsDiff(actual: Float32Array, expected: number[][]): number {
  let worst = 0;
  expected.forEach((row, r) => {
    row.forEach((value, d) => {
      worst = Math.max(worst, Math.abs(actual[r * row.length + d]! - value));
    });
  });
  return worst;
}

describe("tiny-bert encoder against the PyTorch goldens", () => {
  it("has the model's width", () => {
    expect(encoder.dimensions).toBe(golden.batch.cls[0]!.length);
  });

  it("CLS-pools within 1e-4, in input order, at any batch size", async () => {
    for (const batchSize of [1, 3, 64]) {
      const vectors = await encoder.encode(texts, { role: "passage", maxLength, batchSize });
      expect(vectors.length).toBe(texts.length * encoder.dimensions);
      expect(maxAbsDiff(vectors, golden.batch.cls)).toBeLessThan(1e-4);
    }
  });

  it("mean-pools within 1e-4", async () => {
    const vectors = await encoder.encode(texts, { role: "query", maxLength, pooling: "mean", batchSize: 4 });
    expect(maxAbsDiff(vectors, golden.batch.mean)).toBeLessThan(1e-4);
  });

  it("normalises rows to unit length when asked", async () => {
    const vectors = await encoder.encode(texts, { role: "query", maxLength, normalize: true });
    const unit = golden.batch.cls.map((row) => {
      const norm = Math.hypot(...row);
      return row.map((value) => value / norm);
    });
    expect(maxAbsDiff(vectors, unit)).toBeLessThan(1e-5);
  });

  it("tokenises exactly as the goldens", () => {
    const encodings = encoder.tokenize(texts, { role: "passage", maxLength });
    expect(encodings.map((encoding) => encoding.ids)).toEqual(
      golden.batch.input_ids.map((row, r) =>
        row.slice(
          0,
          golden.batch.attention_mask[r]!.reduce((a, b) => a + b, 0),
        ),
      ),
    );
    expect(encodings.map((encoding) => encoding.typeIds)).toEqual(
      golden.batch.token_type_ids.map((row, r) => row.slice(0, encodings[r]!.ids.length)),
    );
  });
});

describe("a graph without token_type_ids (RoBERTa/XLM-R style)", () => {
  it("is fed only input_ids and attention_mask and gives the same vectors", () =>
    withTempDir(async (dir) => {
      for (const file of ["config.json", "tokenizer.json"])
        cpSync(join(fixtureDir("tiny-bert"), file), join(dir, file));
      cpSync(join(here, "fixtures", "no-type-ids.onnx"), join(dir, "model.onnx"));
      const untyped = await createEncoder(dir);
      const vectors = await untyped.encode(texts, { role: "passage", maxLength });
      expect(maxAbsDiff(vectors, golden.batch.cls)).toBeLessThan(1e-4);
      await untyped.close();
    }));
});
