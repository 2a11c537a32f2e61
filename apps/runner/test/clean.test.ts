// `xqg clean`: what a config's current plan no longer uses goes; what it uses (done or stale) stays.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { smallExperiment, snapshot, xqg } from "./helpers.js";

describe("xqg clean", () => {
  it("removes the outputs of units the config dropped, and nothing the plan uses", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "out");
      const config = await smallExperiment(dir);
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace("alphas: [0, 0.5]", "alphas: [0, 0.5, 0.7]"),
      );
      expect((await xqg("run", config)).code).toBe(0);
      // α 0.7 leaves the config: its fused matrix, run, evaluation and manifests are now superseded
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace("alphas: [0, 0.5, 0.7]", "alphas: [0, 0.5]"),
      );
      const rerun = await xqg("run", config);
      expect(rerun.code, rerun.stderr).toBe(0);
      await mkdir(join(out, "runs"), { recursive: true });
      await writeFile(join(out, "runs", "stray.trec"), "q1 Q0 d1 1 1.0 x\n");
      const before = await snapshot(out);
      const superseded = [
        "eval/alpha-0.7.json",
        "fused/alpha-0.7.ids",
        "fused/alpha-0.7.npy",
        "manifests/evaluate.alpha-0.7.json",
        "manifests/search.alpha-0.7.json",
        "runs/alpha-0.7.trec",
        "runs/stray.trec",
        "texts/alpha-0.7.jsonl",
      ];

      const dry = await xqg("clean", config, "--dry-run");
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout.trim().split("\n")).toEqual(superseded);
      expect(dry.stderr).toMatch(
        new RegExp(`xqg: would remove ${superseded.length} files \\(.+\\); kept \\d+\\n$`),
      );
      expect([...(await snapshot(out)).keys()]).toEqual([...before.keys()]);

      const cleaned = await xqg("clean", config);
      expect(cleaned.code, cleaned.stderr).toBe(0);
      expect(cleaned.stdout).toBe(dry.stdout);
      const after = await snapshot(out);
      expect([...after.keys()]).toEqual([...before.keys()].filter((file) => !superseded.includes(file)));
      for (const [file, bytes] of after) expect(before.get(file)?.equals(bytes), file).toBe(true);
      // nothing the plan uses went: the next run has nothing to do
      const again = await xqg("run", config);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(/out of date|: done in/);
      expect((await xqg("clean", config)).stdout).toBe("");
    });
  }, 300_000);

  it("keeps a stale unit's outputs (the next incremental run builds on them)", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "out");
      const config = await smallExperiment(dir);
      expect((await xqg("run", config)).code).toBe(0);
      const corpus = join(dir, "corpus.jsonl");
      await writeFile(
        corpus,
        (await readFile(corpus, "utf8")).replace(/\n$/, "\n").split("\n").slice(1).join("\n"),
      );
      const plan = await xqg("plan", config);
      expect(plan.stdout).toMatch(/stale +generate /);
      const cleaned = await xqg("clean", config);
      expect(cleaned.code, cleaned.stderr).toBe(0);
      expect(cleaned.stdout).toBe("");
      expect(existsSync(join(out, "generated", "queries.jsonl.fingerprint"))).toBe(true);
      const again = await xqg("run", config);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain("xqg: generate: reused 29, added 0, changed 0, removed 1 passages");
      // now the earlier corpus's byte-offset index is what is left of it
      const after = await xqg("clean", config);
      expect(after.stdout).toMatch(/^\.xqg-cache\/derived\/[0-9a-f]{64}\.passages\.index\.json\n$/);
      expect((await xqg("run", config)).stderr).not.toMatch(/out of date|: done in/);
    });
  }, 300_000);

  it("refuses a folder xqg did not make, and one a live run is working in", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "out");
      const config = await smallExperiment(dir);
      await mkdir(out);
      await writeFile(join(out, "notes.txt"), "mine\n");
      const foreign = await xqg("clean", config);
      expect(foreign.code).toBe(1);
      expect(foreign.stderr).toBe(
        `xqg: ${config}: output: ${out} is not an xqg output folder (it has no .xqg-output); nothing removed\n`,
      );
      expect(existsSync(join(out, "notes.txt"))).toBe(true);
      // nothing to force: the flag is a usage mistake
      const forced = await xqg("clean", config, "--force");
      expect(forced.code).toBe(2);
      expect(forced.stderr).toBe("xqg: clean: unknown option --force (see xqg clean --help)\n");

      const mine = join(dir, "mine");
      const owned = await smallExperiment(dir, mine);
      expect((await xqg("run", owned)).code).toBe(0);
      const lease = join(mine, "manifests", "fuse.json.lease");
      const holder = {
        host: (await import("node:os")).hostname(),
        pid: process.pid,
        started: "now",
        beat: 0,
      };
      await writeFile(lease, JSON.stringify(holder));
      const busy = await xqg("clean", owned);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(
        `xqg: ${owned}: a run is working in ${mine} (it holds ${lease}); clean once it ends\n`,
      );
      expect(existsSync(lease)).toBe(true);
    });
  }, 300_000);
});
