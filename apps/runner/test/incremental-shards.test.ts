// Incremental corpus updates of sharded runs (issue 23): each shard's generate, encode-passages and Σq unit diffs
// its new range of the corpus against the passages its previous output holds, computes only the added and
// changed ones (passages that crossed a shard boundary are added to their new shard, removed from the old one)
// and takes the others' rows from its own previous output; the merges run in full. Every output is byte for
// byte a fresh sharded run's on the changed corpus, and, outside the shards' parts, an unsharded run's.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  changedCorpus,
  incrementalExperiment,
  reuseLines,
  SPLIT_ONLY,
  smallExperiment,
  snapshot,
  xqg,
} from "./helpers.js";

/** Checks that `got` holds exactly the files of `want`, byte for byte (those `skip` matches left out of both). */
function expectSameFiles(got: Map<string, Buffer>, want: Map<string, Buffer>, skip?: RegExp): void {
  const kept = (files: Map<string, Buffer>) => [...files.keys()].filter((f) => !skip?.test(f));
  expect(kept(got)).toEqual(kept(want));
  for (const file of kept(want)) expect(got.get(file)?.equals(want.get(file)!), file).toBe(true);
}

/**
 * `generated:` for the corpus at `dir/corpus.jsonl`: one record per passage, in corpus order, whose queries are
 * made from the passage's title (so an edited title changes a record, an edited text does not).
 */
async function generatedFor(dir: string): Promise<string> {
  const passages = (await readFile(join(dir, "corpus.jsonl"), "utf8")).trim().split("\n");
  const records = passages.map((line) => {
    const { docid, title } = JSON.parse(line) as { docid: string; title: string };
    return JSON.stringify({
      docid,
      queries: { ja: [`ja where is ${title}?`], te: [`te where is ${title}?`] },
    });
  });
  const file = join(dir, "generated.jsonl");
  await writeFile(file, `${records.join("\n")}\n`);
  return file;
}

/** Two shards, and their generated queries merged into one file as an unsharded run writes it. */
const SHARDS = "shards: 2\nmergeGenerated: true\n";

// The changed corpus (`changedCorpus`): of the 30 passages, the 3rd and 10th deleted, the 5th's text and the 12th's
// title edited, 2 appended; 30 passages again. Unsharded, 4 passages are computed (2 added, 2 changed).
describe("incremental sharded runs after a corpus change", () => {
  it("shards: 2 reuse each shard's unchanged passages; outputs equal a fresh sharded run and an unsharded one", async () => {
    await withTempDir(async (dir) => {
      const [incOut, freshOut, plainOut] = [
        join(dir, "inc/out"),
        join(dir, "fresh/out"),
        join(dir, "plain/out"),
      ];
      const base = await xqg("run", await incrementalExperiment(dir, incOut, SHARDS));
      expect(base.code, base.stderr).toBe(0);
      expect(reuseLines(base.stderr)).toEqual([]);
      await changedCorpus(dir);
      const again = await xqg("run", join(dir, "xqg.yaml"));
      expect(again.code, again.stderr).toBe(0);
      // shard 0 was passages 1-15, now 1-17 less the 3rd and 10th: 2 changed, the 16th and 17th added (from shard
      // 1); shard 1 was 16-30, now 18-30 and the 2 appended. 6 passages computed (4 unsharded).
      const shard0 = "reused 11, added 2, changed 2, removed 2 passages";
      const shard1 = "reused 13, added 2, changed 0, removed 2 passages";
      expect(reuseLines(again.stderr)).toEqual([
        `xqg: generate.shard-0-of-2: ${shard0}`,
        `xqg: encode-passages.shard-0-of-2: ${shard0}`,
        `xqg: encode-generated.shard-0-of-2: ${shard0}`,
        `xqg: encode-generated.first-1.shard-0-of-2: ${shard0}`,
        `xqg: generate.shard-1-of-2: ${shard1}`,
        `xqg: encode-passages.shard-1-of-2: ${shard1}`,
        `xqg: encode-generated.shard-1-of-2: ${shard1}`,
        `xqg: encode-generated.first-1.shard-1-of-2: ${shard1}`,
      ]);
      // each shard generated and encoded only its added and changed passages
      expect(again.stderr).toMatch(/generate 0\/2: 4 passages in/);
      expect(again.stderr).toMatch(/generate 1\/2: 2 passages in/);
      expect(again.stderr).toMatch(/encode passages 0\/2: 4 passages in/);
      expect(again.stderr).toMatch(/encode passages 1\/2: 2 passages in/);
      // the merges are full passes over the shards' parts
      expect(again.stderr).toMatch(/merge: out of date/);
      const incremental = await snapshot(incOut);
      expect([...incremental.keys()].filter((f) => f.endsWith(".fingerprint"))).toEqual([
        "embeddings/passages.shard-0-of-2.npy.fingerprint",
        "embeddings/passages.shard-1-of-2.npy.fingerprint",
        "embeddings/sums.first-1.shard-0-of-2.npy.fingerprint",
        "embeddings/sums.first-1.shard-1-of-2.npy.fingerprint",
        "embeddings/sums.shard-0-of-2.npy.fingerprint",
        "embeddings/sums.shard-1-of-2.npy.fingerprint",
        "generated/queries.shard-0-of-2.jsonl.fingerprint",
        "generated/queries.shard-1-of-2.jsonl.fingerprint",
      ]);

      // a fresh sharded run on the changed corpus: every file, manifests and fingerprints included
      await incrementalExperiment(dir, freshOut, SHARDS);
      await changedCorpus(dir);
      const fresh = await xqg("run", join(dir, "xqg.yaml"));
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(reuseLines(fresh.stderr)).toEqual([]);
      expectSameFiles(incremental, await snapshot(freshOut));

      // an unsharded run on the changed corpus: every file but the shards' parts and their units' manifests
      await incrementalExperiment(dir, plainOut);
      await changedCorpus(dir);
      const plain = await xqg("run", join(dir, "xqg.yaml"));
      expect(plain.code, plain.stderr).toBe(0);
      const reference = await snapshot(plainOut);
      expect(reference.has("embeddings/sums.first-1.ja.npy")).toBe(true);
      expectSameFiles(incremental, reference, SPLIT_ONLY);
    });
  }, 300_000);

  it("shards: 3 run by --shard i/3 workers, then merged: each worker reuses its shard's passages", async () => {
    await withTempDir(async (dir) => {
      const [incOut, freshOut] = [join(dir, "inc/out"), join(dir, "fresh/out")];
      const run = async (config: string) => {
        const lines: string[] = [];
        for (const shard of ["2/3", "0/3", "1/3"]) {
          const worker = await xqg("run", config, "--shard", shard);
          expect(worker.code, worker.stderr).toBe(0);
          lines.push(...reuseLines(worker.stderr));
        }
        const merged = await xqg("run", config);
        expect(merged.code, merged.stderr).toBe(0);
        expect(reuseLines(merged.stderr)).toEqual([]);
        return lines;
      };
      expect(await run(await smallExperiment(dir, incOut, "shards: 3\n"))).toEqual([]);
      await changedCorpus(dir);
      // shard 0 was passages 1-10: the 3rd and 10th deleted, the 5th changed, the 11th and the edited 12th
      // added; shard 1 was 11-20, now 13-22; shard 2 was 21-30, now 23-30 and the 2 appended. 7 computed.
      const [shard0, shard1, shard2] = [
        "reused 7, added 2, changed 1, removed 2 passages",
        "reused 8, added 2, changed 0, removed 2 passages",
        "reused 8, added 2, changed 0, removed 2 passages",
      ];
      expect(await run(join(dir, "xqg.yaml"))).toEqual([
        `xqg: generate.shard-2-of-3: ${shard2}`,
        `xqg: encode-passages.shard-2-of-3: ${shard2}`,
        `xqg: encode-generated.shard-2-of-3: ${shard2}`,
        `xqg: generate.shard-0-of-3: ${shard0}`,
        `xqg: encode-passages.shard-0-of-3: ${shard0}`,
        `xqg: encode-generated.shard-0-of-3: ${shard0}`,
        `xqg: generate.shard-1-of-3: ${shard1}`,
        `xqg: encode-passages.shard-1-of-3: ${shard1}`,
        `xqg: encode-generated.shard-1-of-3: ${shard1}`,
      ]);
      const incremental = await snapshot(incOut);

      await smallExperiment(dir, freshOut, "shards: 3\n");
      await changedCorpus(dir);
      const fresh = await xqg("run", join(dir, "xqg.yaml"));
      expect(fresh.code, fresh.stderr).toBe(0);
      expectSameFiles(incremental, await snapshot(freshOut));
    });
  }, 300_000);

  it("generated: (queries made elsewhere) with shards: 2: Σq per shard reuses the records whose queries are unchanged", async () => {
    await withTempDir(async (dir) => {
      const [incOut, freshOut, plainOut] = [
        join(dir, "inc/out"),
        join(dir, "fresh/out"),
        join(dir, "plain/out"),
      ];
      const extra = "generated: generated.jsonl\nshards: 2\n";
      const config = await smallExperiment(dir, incOut, extra);
      await generatedFor(dir);
      const base = await xqg("run", config);
      expect(base.code, base.stderr).toBe(0);
      // the corpus and its generated queries change together (a record per passage, in corpus order)
      await changedCorpus(dir);
      await generatedFor(dir);
      const again = await xqg("run", config);
      expect(again.code, again.stderr).toBe(0);
      // Σq diffs records (docid and queries), not passages: the 5th passage's edited text left its queries as
      // they were, so its record is unchanged; the 12th's edited title changed them
      expect(reuseLines(again.stderr)).toEqual([
        "xqg: encode-passages.shard-0-of-2: reused 11, added 2, changed 2, removed 2 passages",
        "xqg: encode-generated.shard-0-of-2: reused 12, added 2, changed 1, removed 2 passages",
        "xqg: encode-passages.shard-1-of-2: reused 13, added 2, changed 0, removed 2 passages",
        "xqg: encode-generated.shard-1-of-2: reused 13, added 2, changed 0, removed 2 passages",
      ]);
      const incremental = await snapshot(incOut);

      await smallExperiment(dir, freshOut, extra);
      await changedCorpus(dir);
      await generatedFor(dir);
      const fresh = await xqg("run", join(dir, "xqg.yaml"));
      expect(fresh.code, fresh.stderr).toBe(0);
      expectSameFiles(incremental, await snapshot(freshOut));

      // an unsharded fresh run: every file but the shards' parts and their units' manifests
      await smallExperiment(dir, plainOut, "generated: generated.jsonl\n");
      await changedCorpus(dir);
      await generatedFor(dir);
      const plain = await xqg("run", join(dir, "xqg.yaml"));
      expect(plain.code, plain.stderr).toBe(0);
      expectSameFiles(incremental, await snapshot(plainOut), SPLIT_ONLY);
    });
  }, 300_000);
});
