// Variant exports from the command line: `--variant quantized` (or `encode.variant` in a config) reads Optimum's
// model_quantized.onnx, and the embeddings are those @xqg/encoders gives for that variant.
import { join } from "node:path";
import { openNpy, readQueries } from "@xqg/corpus";
import { createEncoder } from "@xqg/encoders";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, TINY_BERT, xqg } from "./helpers.js";

describe("--variant", () => {
  it("encodes with the variant's graph, recorded in the manifest; without it, the plain graph", async () => {
    await withTempDir(async (dir) => {
      const queries = join(QUICKSTART, "dev.jsonl");
      const plain = join(dir, "plain.npy");
      const int8 = join(dir, "int8.npy");
      const base = ["encode", "--queries", queries, "--encoder", TINY_BERT, "--threads", "1", "--quiet"];
      expect((await xqg(...base, "--out", plain)).code).toBe(0);
      const run = await xqg(...base, "--out", int8, "--variant", "quantized");
      expect(run.code, run.stderr).toBe(0);
      const read = async (file: string) => {
        const npy = await openNpy(file);
        try {
          return await npy.read(0, npy.rows);
        } finally {
          await npy.close();
        }
      };
      const [a, b] = [await read(plain), await read(int8)];
      expect(b.length).toBe(a.length);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(false);
      // exactly what @xqg/encoders gives for the same queries with the quantized graph
      const texts: string[] = [];
      for await (const q of readQueries(queries)) texts.push(q.question);
      const encoder = await createEncoder(TINY_BERT, { variant: "quantized", session: { threads: 1 } });
      try {
        const want = await encoder.encode(texts, {
          role: "query",
          maxLength: 32,
          pooling: "cls",
          normalize: false,
        });
        expect(Buffer.from(b.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      } finally {
        await encoder.close();
      }
      const bad = await xqg(...base, "--out", join(dir, "x.npy"), "--variant", "no-such.name");
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--variant: expected a name of letters, digits or _, got "no-such.name"/);
    });
  });
});
