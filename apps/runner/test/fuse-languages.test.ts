import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, TINY_BERT, TINY_MT5, xqg } from "./helpers.js";

const config = (dir: string, fuse: string) => `output: ${join(dir, "out")}
corpus: ${join(QUICKSTART, "corpus.jsonl")}
queries: ${join(QUICKSTART, "dev.jsonl")}
encoder: ${TINY_BERT}
generator: ${TINY_MT5}
threads: 1
evaluate: { tokenizer: treebank }
encode: { passageMaxLength: 64 }
generate: { languages: [ar, ja, te], perLanguage: 2, maxLength: 12, seed: 7, batchSize: 56 }
fuse:
  alphas: [0, 0.5]
${fuse}
`;

describe("fuse.weights and fuse.languages reach fusion from the config", () => {
  it("keeps Σq only for the named languages and fuses p' = (1 − α)·p + α·Σ_l w_l·Σq_l", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "xqg.yaml");
      await writeFile(file, config(dir, "  weights: { te: 1, ja: 2 }"));
      const r = await xqg("run", file);
      expect(r.stderr).not.toContain("error");
      expect(r.code).toBe(0);
      const emb = join(dir, "out", "embeddings");
      expect(existsSync(join(emb, "sums.ja.npy"))).toBe(true);
      expect(existsSync(join(emb, "sums.te.npy"))).toBe(true);
      expect(existsSync(join(emb, "sums.ar.npy"))).toBe(false);
      const manifest = JSON.parse(
        await readFile(join(dir, "out", "manifests", "encode-generated.json"), "utf8"),
      );
      expect(JSON.stringify(manifest)).toContain('"sumLanguages":["ja","te"]');

      const p = (await readNpy(join(emb, "passages.npy"))).data;
      const ja = (await readNpy(join(emb, "sums.ja.npy"))).data;
      const te = (await readNpy(join(emb, "sums.te.npy"))).data;
      const fused = (await readNpy(join(dir, "out", "fused", "alpha-0.5.npy"))).data;
      // NumPy, float32 throughout: S = 2·S_ja + 1·S_te (canonical order ja, te); 0.5·p + 0.5·S
      const f = Math.fround;
      const expected = p.map((x, i) => {
        const s = f(f(0 + f(2 * ja[i]!)) + f(1 * te[i]!));
        return f(f(0.5 * x) + f(0.5 * s));
      });
      expect(fused.length).toBe(p.length);
      expect(Array.from(fused)).toEqual(Array.from(expected));
      // and not the plain sum over every language
      const all = (await readNpy(join(emb, "sums.npy"))).data;
      expect(Array.from(fused)).not.toEqual(Array.from(p.map((x, i) => f(f(0.5 * x) + f(0.5 * all[i]!)))));
    });
  });

  it("a language subset is the weights of 1 over those languages", async () => {
    await withTempDir(async (dir) => {
      const subset = join(dir, "subset");
      const weighted = join(dir, "weighted");
      await writeFile(join(dir, "a.yaml"), config(subset, "  languages: [te]"));
      await writeFile(join(dir, "b.yaml"), config(weighted, "  weights: { te: 1 }"));
      expect((await xqg("run", join(dir, "a.yaml"))).code).toBe(0);
      expect((await xqg("run", join(dir, "b.yaml"))).code).toBe(0);
      const read = async (root: string) => (await readNpy(join(root, "out", "fused", "alpha-0.5.npy"))).data;
      expect(Array.from(await read(subset))).toEqual(Array.from(await read(weighted)));
    });
  });

  it("refuses an unknown language with the key that holds it", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "xqg.yaml");
      await writeFile(file, config(dir, "  weights: { xx: 1 }"));
      const r = await xqg("run", file);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/xqg\.yaml:\d+: fuse\.weights/);
    });
  });
});
