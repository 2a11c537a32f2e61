import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, snapshot, writeTestConfig, xqg } from "./helpers.js";

/** The quickstart's first `n` passages as a corpus of its own, so that N shards can outnumber them. */
async function smallCorpus(dir: string, n: number): Promise<string> {
  const lines = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).split("\n").slice(0, n);
  const file = join(dir, "corpus.jsonl");
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

describe("--shard i/N with N ≥ 10 and empty shards", () => {
  it("12 workers over 7 passages (5 shards empty), merged, equal one unsharded run byte for byte", async () => {
    await withTempDir(async (dir) => {
      const corpus = await smallCorpus(dir, 7);
      const config = async (at: string, extra = "") => {
        const file = await writeTestConfig(at, extra);
        const text = (await readFile(file, "utf8")).replace(/^corpus: .*$/m, `corpus: ${corpus}`);
        await writeFile(file, text);
        return file;
      };
      // Two sibling folders, so that the corpus has the same relative path in both runs' manifests.
      const [plainDir, shardedDir] = [join(dir, "plain"), join(dir, "sharded")];
      await mkdir(plainDir);
      await mkdir(shardedDir);
      const plainConfig = await config(plainDir);
      const plain = await xqg("run", plainConfig, "--quiet");
      expect(plain.code, plain.stderr).toBe(0);
      const reference = await snapshot(join(plainDir, "out"));

      {
        const shardedConfig = await config(shardedDir, "shards: 12\nmergeGenerated: true\n");
        // workers in a scrambled order: the merge must not depend on which finishes first
        for (const index of [11, 0, 7, 3, 10, 1, 6, 2, 9, 4, 8, 5]) {
          const worker = await xqg("run", shardedConfig, "--shard", `${index}/12`, "--quiet");
          expect(worker.code, `${index}/12: ${worker.stderr}`).toBe(0);
        }
        const merged = await xqg("run", shardedConfig, "--quiet");
        expect(merged.code, merged.stderr).toBe(0);
        const sharded = await snapshot(join(shardedDir, "out"));
        const parts = [...sharded.keys()].filter((f) => f.includes(".shard-") && !f.startsWith("manifests/"));
        // per shard: passages and their ids, generated queries, and Σq (sums, counts, ids, description) for all
        // queries and for the ablation point that keeps fewer than all (the one that keeps all reuses them), each
        // unit with the fingerprint of what it read (for incremental runs)
        expect(parts).toHaveLength(12 * (3 + 2 + 2 * 5));
        // shards 7..11 hold no passage: empty but well-formed parts
        for (let index = 0; index < 12; index++) {
          const part = `shard-${String(index).padStart(2, "0")}-of-12`; // zero-padded: names sort in corpus order
          const ids = sharded.get(`embeddings/passages.${part}.ids`)!.toString("utf8");
          const generated = sharded.get(`generated/queries.${part}.jsonl`)!.toString("utf8");
          const expected = index < 7 ? 1 : 0;
          expect(ids.split("\n").filter((l) => l !== "")).toHaveLength(expected);
          expect(generated.split("\n").filter((l) => l !== "")).toHaveLength(expected);
          expect(sharded.get(`embeddings/sums.${part}.ids`)!.toString("utf8")).toBe(ids);
        }
        expect(sharded.get("embeddings/passages.ids")).toEqual(reference.get("embeddings/passages.ids"));
        for (const [file, bytes] of reference) {
          if (/^manifests\/(generate|encode-passages|encode-generated(\.first-\d+)?)\.json$/.test(file))
            continue;
          // the fingerprints are per unit: the whole corpus's here, a shard's there
          if (file.endsWith(".fingerprint")) continue;
          expect(sharded.get(file), file).toEqual(bytes);
        }
      }
    });
  });
});
