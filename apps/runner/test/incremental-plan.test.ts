// Incremental runs (issue 23): `xqg plan` shows, before anything runs, the counts each reusing unit will log.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { changedCorpus, QUICKSTART, reuseLines, smallExperiment, snapshot, xqg } from "./helpers.js";

interface PlannedUnit {
  key: string;
  state: string;
  reuse?: { unchanged: number; added: number; changed: number; removed: number };
}

describe("xqg plan after a corpus change", () => {
  it("shows each unit's reuse counts, the ones its run then logs, and writes nothing", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "out");
      const config = await smallExperiment(dir, out, "shards: 2\n");
      expect((await xqg("run", config)).code).toBe(0);
      await changedCorpus(dir);
      const before = await snapshot(out);

      const plan = await xqg("plan", config);
      expect(plan.code, plan.stderr).toBe(0);
      const stale = plan.stdout.split("\n").filter((line) => line.startsWith("stale "));
      expect(stale.slice(0, 6)).toEqual([
        "stale    generate.shard-0-of-2          (its input corpus changed (../../corpus.jsonl); would reuse 11, add 2, change 2, remove 2 passages)",
        "stale    encode-passages.shard-0-of-2   (its input corpus changed (../../corpus.jsonl); would reuse 11, add 2, change 2, remove 2 passages)",
        // Σq reads the generated queries, not made yet: no counts before generation
        "stale    encode-generated.shard-0-of-2  (after generate.shard-0-of-2, which is not done)",
        "stale    generate.shard-1-of-2          (its input corpus changed (../../corpus.jsonl); would reuse 13, add 2, change 0, remove 2 passages)",
        "stale    encode-passages.shard-1-of-2   (its input corpus changed (../../corpus.jsonl); would reuse 13, add 2, change 0, remove 2 passages)",
        "stale    encode-generated.shard-1-of-2  (after generate.shard-1-of-2, which is not done)",
      ]);
      const json = JSON.parse((await xqg("plan", config, "--json")).stdout) as { units: PlannedUnit[] };
      const counts = Object.fromEntries(json.units.filter((u) => u.reuse).map((u) => [u.key, u.reuse]));
      expect(counts).toEqual({
        "generate.shard-0-of-2": { unchanged: 11, added: 2, changed: 2, removed: 2 },
        "encode-passages.shard-0-of-2": { unchanged: 11, added: 2, changed: 2, removed: 2 },
        "generate.shard-1-of-2": { unchanged: 13, added: 2, changed: 0, removed: 2 },
        "encode-passages.shard-1-of-2": { unchanged: 13, added: 2, changed: 0, removed: 2 },
      });
      // a dry run: the output folder is as the first run left it
      const after = await snapshot(out);
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);

      const run = await xqg("run", config);
      expect(run.code, run.stderr).toBe(0);
      const logged = reuseLines(run.stderr).filter((line) => /(generate|encode-passages)\.shard/.test(line));
      expect(logged.sort()).toEqual(
        Object.entries(counts)
          .map(
            ([key, c]) =>
              `xqg: ${key}: reused ${c!.unchanged}, added ${c!.added}, changed ${c!.changed}, removed ${c!.removed} passages`,
          )
          .sort(),
      );
    });
  }, 300_000);

  it("an input the run would refuse is named in the unit's reason; the plan still shows every unit", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      expect((await xqg("run", config)).code).toBe(0);
      const corpus = join(dir, "corpus.jsonl");
      await writeFile(corpus, `${await readFile(corpus, "utf8")}{"docid": "x", "title": "t"\n`);
      const plan = await xqg("plan", config);
      expect(plan.code, plan.stderr).toBe(0);
      const line = plan.stdout.split("\n").find((l) => /^stale +generate /.test(l));
      expect(line).toMatch(
        /\(its input corpus changed \(.*\); its input cannot be diffed: .*corpus\.jsonl:31/,
      );
      expect(plan.stdout).toMatch(/^11 units: 1 done, 10 stale, 0 pending$/m);
      const run = await xqg("run", config);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/corpus\.jsonl:31/);
    });
  }, 300_000);

  it("with delta files, the corpus unit shows what the units that read it will find", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace("corpus: corpus.jsonl", "corpus: [corpus.jsonl, d1.jsonl]"),
      );
      const passages = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).trim().split("\n");
      await writeFile(join(dir, "d1.jsonl"), `${JSON.stringify({ docid: "qs0002", deleted: true })}\n`);
      expect((await xqg("run", config)).code).toBe(0);
      // a second delta: one passage replaced, two added
      const edited = { ...JSON.parse(passages[4]!), text: "Replaced text." };
      await writeFile(
        join(dir, "d2.jsonl"),
        [edited, JSON.parse(passages[40]!), JSON.parse(passages[41]!)]
          .map((p) => `${JSON.stringify(p)}\n`)
          .join(""),
      );
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace(
          "corpus: [corpus.jsonl, d1.jsonl]",
          "corpus: [corpus.jsonl, d1.jsonl, d2.jsonl]",
        ),
      );
      const plan = await xqg("plan", config);
      expect(plan.stdout).toMatch(
        /^stale +corpus +\(.*; would reuse 28, add 2, change 1, remove 0 passages\)$/m,
      );
      const run = await xqg("run", config);
      expect(run.code, run.stderr).toBe(0);
      expect(reuseLines(run.stderr)).toContain(
        "xqg: generate: reused 28, added 2, changed 1, removed 0 passages",
      );
    });
  }, 300_000);
});
