// Incremental corpus updates of an HNSW index (issue 23): after a corpus change the index units update the
// previous index (remove, upsert the added and changed rows) instead of building anew, and build anew once the
// share of removed and replaced vectors would pass `index.rebuildShare`.
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { changedCorpus, killInsideUnit, smallExperiment, snapshot, xqg } from "./helpers.js";

const HNSW = "index: { type: hnsw, rebuildShare: 0.15 }\n";
const indexLines = (stderr: string) =>
  stderr.split("\n").filter((line) => /^xqg: index\.[^:]+: (updated|rebuilt):/.test(line));
/** The files of one HNSW index, as `snapshot` names them. */
const indexFiles = (files: ReadonlyMap<string, Buffer>, system: string) =>
  [...files].filter(([file]) => file.startsWith(`index/${system}.usearch`));

describe("incremental runs with an HNSW index", () => {
  it("updates the index after a corpus change (kill-safe), ranks as a fresh run, rebuilds past rebuildShare", async () => {
    await withTempDir(async (dir) => {
      const [incOut, freshOut] = [join(dir, "inc", "out"), join(dir, "fresh", "out")];
      const config = await smallExperiment(dir, incOut, HNSW);
      const base = await xqg("run", config);
      expect(base.code, base.stderr).toBe(0);
      expect(indexLines(base.stderr)).toEqual([]);
      const built = await snapshot(incOut);
      expect(indexFiles(built, "baseline").map(([file]) => file)).toEqual([
        "index/baseline.usearch",
        "index/baseline.usearch.fingerprint",
        "index/baseline.usearch.ids",
        "index/baseline.usearch.json",
      ]);

      // killed inside the first index update (its staged fingerprint's writes pause): the previous index stays
      await changedCorpus(dir);
      await killInsideUnit(
        config,
        "index.baseline: updated",
        join(incOut, "index", ".xqg-staging", "index.baseline"),
      );
      expect(existsSync(join(incOut, "manifests", "index.baseline.json"))).toBe(true);
      const killed = await snapshot(incOut);
      for (const [file, bytes] of indexFiles(built, "baseline"))
        expect(killed.get(file)?.equals(bytes), file).toBe(true);

      const resumed = await xqg("run", config);
      expect(resumed.code, resumed.stderr).toBe(0);
      // fused rows of unchanged passages are byte-identical, so the vectors diff as the corpus does, but for one:
      // the sentence appended to the 5th passage lies past passageMaxLength (64 tokens), so its embedding (the
      // baseline's vector) did not change; its generated queries, hence its fused row, did
      expect(indexLines(resumed.stderr)).toEqual([
        "xqg: index.baseline: updated: reused 27, added 2, changed 1, removed 2 vectors",
        "xqg: index.alpha-0.5: updated: reused 26, added 2, changed 2, removed 2 vectors",
      ]);
      const updated = await snapshot(incOut);
      expect(JSON.parse(updated.get("index/baseline.usearch.json")!.toString("utf8"))).toMatchObject({
        version: 2,
        count: 30,
        keys: 32, // 30 + the 2 appended: a changed vector keeps its key, a removed one leaves its key behind
        removed: 3, // 2 removed + 1 replaced
      });
      expect(JSON.parse(updated.get("index/alpha-0.5.usearch.json")!.toString("utf8"))).toMatchObject({
        count: 30,
        keys: 32,
        removed: 4,
      });

      // a fresh run on the changed corpus: at 30 passages the HNSW search is exact, so every ranked list, the
      // evaluation and the report are the same bytes; so is the fingerprint of the vectors indexed
      await smallExperiment(dir, freshOut, HNSW);
      await changedCorpus(dir);
      const fresh = await xqg("run", config);
      expect(fresh.code, fresh.stderr).toBe(0);
      const reference = await snapshot(freshOut);
      expect([...updated.keys()]).toEqual([...reference.keys()]);
      const compared = [...reference.keys()].filter(
        (file) => /^(runs|eval|report)\//.test(file) || file.endsWith(".fingerprint"),
      );
      expect(compared).toEqual(
        expect.arrayContaining([
          "runs/baseline.trec",
          "runs/alpha-0.5.trec",
          "eval/baseline.json",
          "eval/alpha-0.5.json",
          "report/report.md",
          "index/baseline.usearch.fingerprint",
          "index/alpha-0.5.usearch.fingerprint",
        ]),
      );
      for (const file of compared) expect(updated.get(file)?.equals(reference.get(file)!), file).toBe(true);
      expect(updated.get("index/baseline.usearch")?.equals(reference.get("index/baseline.usearch")!)).toBe(
        false,
      );

      // back to the first corpus: 2 removed, 2 restored and 2 changed back (the baseline: 1) on top of the 4 (3)
      // already lost makes 8 of 38 (6 of 36), past 0.15: both indexes are built anew, the bytes of the first run's
      await smallExperiment(dir, incOut, HNSW);
      const back = await xqg("run", config);
      expect(back.code, back.stderr).toBe(0);
      expect(indexLines(back.stderr)).toEqual([
        "xqg: index.baseline: rebuilt: removed share 0.17 passed 0.15",
        "xqg: index.alpha-0.5: rebuilt: removed share 0.21 passed 0.15",
      ]);
      const rebuilt = await snapshot(incOut);
      for (const system of ["baseline", "alpha-0.5"])
        for (const [file, bytes] of indexFiles(built, system))
          expect(rebuilt.get(file)?.equals(bytes), file).toBe(true);
      expect(await readFile(join(incOut, "runs/baseline.trec"))).toEqual(built.get("runs/baseline.trec"));
    });
  }, 300_000);

  it("an index made before fingerprints were saved upgrades by fingerprinting its matrix once, same bytes", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir, join(dir, "out"), HNSW);
      expect((await xqg("run", config)).code).toBe(0);
      const out = join(dir, "out");
      const made = await snapshot(out);
      // as an older xqg left it: no fingerprints, manifests that do not record them
      for (const system of ["baseline", "alpha-0.5"]) {
        await rm(join(out, "index", `${system}.usearch.fingerprint`));
        const manifest = join(out, "manifests", `index.${system}.json`);
        const recorded = JSON.parse(await readFile(manifest, "utf8"));
        delete recorded.outputs[`../index/${system}.usearch.fingerprint`];
        await writeFile(manifest, `${JSON.stringify(recorded, null, 2)}\n`);
      }
      const upgraded = await xqg("run", config);
      expect(upgraded.code, upgraded.stderr).toBe(0);
      expect(indexLines(upgraded.stderr)).toEqual([
        "xqg: index.baseline: updated: reused 30, added 0, changed 0, removed 0 vectors",
        "xqg: index.alpha-0.5: updated: reused 30, added 0, changed 0, removed 0 vectors",
      ]);
      expect(upgraded.stderr).toContain("search: up to date");
      const now = await snapshot(out);
      expect([...now.keys()]).toEqual([...made.keys()]);
      for (const [file, bytes] of made) expect(now.get(file)?.equals(bytes), file).toBe(true);
    });
  }, 300_000);
});
