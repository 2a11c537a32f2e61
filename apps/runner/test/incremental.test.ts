// Incremental corpus updates (issue 23): after a corpus change, generate, encode-passages and encode-generated
// compute only the added and changed passages and take the others' rows from their previous outputs; every
// output is byte for byte a fresh run's on the changed corpus.
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  changedCorpus,
  incrementalExperiment as experiment,
  killInsideUnit,
  reuseLines,
  smallExperiment,
  snapshot,
  xqg,
} from "./helpers.js";

describe("incremental runs after a corpus change", () => {
  it("reuses unchanged passages and writes the bytes of a fresh run on the changed corpus", async () => {
    await withTempDir(async (dir) => {
      // both runs read the same corpus path and write side by side: manifests and provenance compare too
      const [incOut, freshOut] = [join(dir, "inc", "out"), join(dir, "fresh", "out")];
      const base = await xqg("run", await experiment(dir, incOut));
      expect(base.code, base.stderr).toBe(0);
      expect(reuseLines(base.stderr)).toEqual([]);
      await changedCorpus(dir);
      const again = await xqg("run", join(dir, "xqg.yaml"));
      expect(again.code, again.stderr).toBe(0);
      expect(reuseLines(again.stderr)).toEqual([
        "xqg: generate: reused 26, added 2, changed 2, removed 2 passages",
        "xqg: encode-passages: reused 26, added 2, changed 2, removed 2 passages",
        "xqg: encode-generated: reused 26, added 2, changed 2, removed 2 passages",
        "xqg: encode-generated.first-1: reused 26, added 2, changed 2, removed 2 passages",
      ]);
      // only the 4 added and changed passages were generated and encoded (their progress counts them)
      expect(again.stderr).toMatch(/generate: 4 passages in/);
      expect(again.stderr).toMatch(/encode passages: 4 passages in/);
      expect(again.stderr).toMatch(/encode generated queries: 4 passages in/);
      const incremental = await snapshot(incOut);

      const fresh = await xqg("run", await experiment(dir, freshOut));
      expect(fresh.code, fresh.stderr).toBe(0);
      await changedCorpus(dir);
      const changed = await xqg("run", join(dir, "xqg.yaml"), "--force");
      expect(changed.code, changed.stderr).toBe(0);
      expect(reuseLines(changed.stderr)).toEqual([]);
      const reference = await snapshot(freshOut);

      expect([...incremental.keys()]).toEqual([...reference.keys()]);
      expect([...reference.keys()]).toEqual(
        expect.arrayContaining([
          "generated/queries.jsonl",
          "generated/queries.jsonl.fingerprint",
          "embeddings/passages.npy",
          "embeddings/passages.ids",
          "embeddings/passages.npy.fingerprint",
          "embeddings/sums.npy",
          "embeddings/sums.counts.npy",
          "embeddings/sums.sums.json",
          "embeddings/sums.ids",
          "embeddings/sums.ja.npy",
          "embeddings/sums.npy.fingerprint",
          "embeddings/sums.first-1.npy",
          "embeddings/sums.first-1.ja.npy",
          "fused/first-1-alpha-0.5.npy",
          "fused/alpha-0.5.npy",
          "runs/baseline.trec",
          "runs/alpha-0.5.trec",
          "eval/alpha-0.5.json",
          "report/report.md",
          "report/report.json",
          "manifests/generate.json",
        ]),
      );
      for (const [file, bytes] of reference) expect(incremental.get(file)?.equals(bytes), file).toBe(true);
      // 30 - 2 + 2 passages, in the changed corpus's order
      const ids = reference.get("embeddings/passages.ids")!.toString("utf8").trim().split("\n");
      expect(ids).toHaveLength(30);
      expect(ids.slice(-2)).toEqual(["qs0041", "qs0042"]);
    });
  }, 300_000);

  it("a changed generation setting regenerates every passage", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      expect((await xqg("run", config)).code).toBe(0);
      const before = await readFile(join(dir, "out/generated/queries.jsonl"), "utf8");
      await writeFile(config, (await readFile(config, "utf8")).replace("seed: 3", "seed: 4"));
      const reseeded = await xqg("run", config);
      expect(reseeded.code, reseeded.stderr).toBe(0);
      expect(reseeded.stderr).toContain("generate: out of date: a setting changed: seed");
      expect(reseeded.stderr).toMatch(/encode: up to date \(.*encode-passages\.json\)/);
      // generation ran in full (no reuse line for it); Σq's input changed, so it diffs its records: the new seed
      // gave every passage other queries
      expect(reuseLines(reseeded.stderr)).toEqual([
        "xqg: encode-generated: reused 0, added 0, changed 30, removed 0 passages",
      ]);
      const after = await readFile(join(dir, "out/generated/queries.jsonl"), "utf8");
      expect(after).not.toBe(before);
      expect(after.trim().split("\n")).toHaveLength(30);
    });
  }, 300_000);

  it("a run made before fingerprints were saved upgrades by reading the corpus once, reusing every row", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      expect((await xqg("run", config)).code).toBe(0);
      const out = join(dir, "out");
      const made = await snapshot(out);
      // as an older xqg left it: no fingerprints, manifests that do not record them
      for (const [unit, file] of [
        ["generate", "generated/queries.jsonl.fingerprint"],
        ["encode-passages", "embeddings/passages.npy.fingerprint"],
        ["encode-generated", "embeddings/sums.npy.fingerprint"],
      ] as const) {
        await rm(join(out, file));
        const manifest = join(out, "manifests", `${unit}.json`);
        const recorded = JSON.parse(await readFile(manifest, "utf8"));
        delete recorded.outputs[`../${file}`];
        await writeFile(manifest, `${JSON.stringify(recorded, null, 2)}\n`);
      }
      const upgraded = await xqg("run", config);
      expect(upgraded.code, upgraded.stderr).toBe(0);
      expect(reuseLines(upgraded.stderr)).toEqual([
        "xqg: generate: reused 30, added 0, changed 0, removed 0 passages",
        "xqg: encode-passages: reused 30, added 0, changed 0, removed 0 passages",
        "xqg: encode-generated: reused 30, added 0, changed 0, removed 0 passages",
      ]);
      expect(upgraded.stderr).toContain("fuse: up to date");
      expect(upgraded.stderr).not.toContain("generate: 30 passages");
      const now = await snapshot(out);
      expect([...now.keys()]).toEqual([...made.keys()]);
      for (const [file, bytes] of made) expect(now.get(file)?.equals(bytes), file).toBe(true);
    });
  }, 300_000);

  it("an incremental run killed mid-unit keeps the previous run; the rerun reuses it again, same bytes", async () => {
    await withTempDir(async (dir) => {
      const [incOut, freshOut] = [join(dir, "inc", "out"), join(dir, "fresh", "out")];
      const config = await smallExperiment(dir, incOut);
      expect((await xqg("run", config)).code).toBe(0);
      await changedCorpus(dir);
      // each staged file's first writes pause (test/slow-staging-writes.mjs): the kill lands inside the unit
      await killInsideUnit(
        config,
        "encode-passages: reused",
        join(incOut, "embeddings", ".xqg-staging", "encode-passages"),
      );
      // the previous run's manifest is still there: the unit is out of date, not lost
      expect(existsSync(join(incOut, "manifests", "encode-passages.json"))).toBe(true);
      const resumed = await xqg("run", config);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(reuseLines(resumed.stderr)).toEqual([
        "xqg: encode-passages: reused 26, added 2, changed 2, removed 2 passages",
        "xqg: encode-generated: reused 26, added 2, changed 2, removed 2 passages",
      ]);
      const incremental = await snapshot(incOut);

      const fresh = await smallExperiment(dir, freshOut);
      await changedCorpus(dir);
      expect((await xqg("run", fresh)).code).toBe(0);
      const reference = await snapshot(freshOut);
      expect([...incremental.keys()]).toEqual([...reference.keys()]);
      for (const [file, bytes] of reference) expect(incremental.get(file)?.equals(bytes), file).toBe(true);
    });
  }, 300_000);
});
