import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICKSTART, snapshot, spawnXqg, writeTestConfig, xqg } from "./helpers.js";

let dir: string;
let reference: Map<string, Buffer>;
let firstRun: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xqg-run-"));
  const config = await writeTestConfig(dir);
  firstRun = await xqg("run", config);
  reference = await snapshot(join(dir, "out"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("xqg run on the quickstart", () => {
  it("runs every stage and prints the report table", async () => {
    expect(firstRun.stderr).not.toContain("warning");
    expect(firstRun.code).toBe(0);
    const report = await readFile(join(dir, "out/report/report.md"), "utf8");
    expect(firstRun.stdout).toBe(report);
    // golden: the tiny fixture models, the quickstart data, seed 7 (regenerate only for an intended change)
    expect(report).toBe(
      await readFile(join(import.meta.dirname, "golden/quickstart-small.report.txt"), "utf8"),
    );
    expect([...reference.keys()].filter((f) => !f.startsWith("manifests/"))).toEqual([
      ".xqg-output",
      "embeddings/passages.ids",
      "embeddings/passages.npy",
      "embeddings/passages.npy.fingerprint",
      "embeddings/queries.ids",
      "embeddings/queries.npy",
      "embeddings/sums.counts.npy",
      "embeddings/sums.first-1.counts.npy",
      "embeddings/sums.first-1.ids",
      "embeddings/sums.first-1.npy",
      "embeddings/sums.first-1.npy.fingerprint",
      "embeddings/sums.first-1.sums.json",
      "embeddings/sums.ids",
      "embeddings/sums.npy",
      "embeddings/sums.npy.fingerprint",
      "embeddings/sums.sums.json",
      "eval/alpha-0.1.json",
      "eval/alpha-0.5.json",
      "eval/baseline.json",
      "eval/first-1-alpha-0.5.json",
      "fused/alpha-0.1.ids",
      "fused/alpha-0.1.npy",
      "fused/alpha-0.5.ids",
      "fused/alpha-0.5.npy",
      "fused/first-1-alpha-0.5.ids",
      "fused/first-1-alpha-0.5.npy",
      "generated/queries.jsonl",
      "generated/queries.jsonl.fingerprint",
      "report/provenance.json",
      "report/r2kt-vs-alpha.pdf",
      "report/r2kt-vs-alpha.png",
      "report/r2kt-vs-alpha.svg",
      "report/r2kt-vs-queries-per-language.pdf",
      "report/r2kt-vs-queries-per-language.png",
      "report/r2kt-vs-queries-per-language.svg",
      "report/r5kt-vs-alpha.pdf",
      "report/r5kt-vs-alpha.png",
      "report/r5kt-vs-alpha.svg",
      "report/r5kt-vs-queries-per-language.pdf",
      "report/r5kt-vs-queries-per-language.png",
      "report/r5kt-vs-queries-per-language.svg",
      "report/report.json",
      "report/report.md",
      "runs/alpha-0.1.trec",
      "runs/alpha-0.5.trec",
      "runs/baseline.trec",
      "runs/first-1-alpha-0.5.trec",
      "texts/alpha-0.1.jsonl",
      "texts/alpha-0.5.jsonl",
      "texts/baseline.jsonl",
      "texts/first-1-alpha-0.5.jsonl",
    ]);
    const json = JSON.parse(await readFile(join(dir, "out/report/report.json"), "utf8"));
    expect(json.languages).toEqual(["ar", "bn", "fi", "ja", "ko", "ru", "te"]);
    expect(json.counts).toEqual({ ar: 20, bn: 20, fi: 20, ja: 20, ko: 20, ru: 20, te: 20 });
    expect(json.rows.map((r: { alpha: number }) => r.alpha)).toEqual([0, 0.1, 0.5]);
    expect(json.ablation.rows.map((r: { queriesPerLanguage: number }) => r.queriesPerLanguage)).toEqual([
      1, 2,
    ]);
    const generated = (await readFile(join(dir, "out/generated/queries.jsonl"), "utf8")).trim().split("\n");
    expect(generated).toHaveLength(288);
    const first = JSON.parse(generated[0]!);
    expect(Object.keys(first.queries)).toEqual(["ar", "ja", "te"]);
    expect(first.queries.ar).toHaveLength(2);
  });

  it("skips every stage on a re-run, and re-runs only fusion onward when α changes", async () => {
    const config = await writeTestConfig(dir);
    const again = await xqg("run", config);
    expect(again.code).toBe(0);
    expect(again.stderr.split("\n").filter((l) => l !== "" && !l.includes("up to date"))).toEqual([]);
    expect(await snapshot(join(dir, "out"))).toEqual(reference);

    const changed = await writeTestConfig(dir);
    await writeFile(
      changed,
      (await readFile(changed, "utf8")).replace("[0, 0.1, 0.5]", "[0, 0.1, 0.2, 0.5]"),
    );
    const rerun = await xqg("run", changed);
    expect(rerun.code).toBe(0);
    const ran = rerun.stderr
      .split("\n")
      .filter((l) => / done in /.test(l))
      .map((l) => l.replace(/ done in .*\(.*\/manifests\//, " ("));
    expect(ran).toEqual([
      "xqg: fuse: (fuse.json)",
      "xqg: search: (search.alpha-0.2.json)",
      "xqg: passage-texts: (passage-texts.json)",
      "xqg: evaluate: (evaluate.alpha-0.2.json)",
      "xqg: report: (report.json)",
    ]);
    expect(rerun.stderr).toMatch(/generate: up to date/);
    expect(rerun.stderr).toMatch(/encode: up to date/);
    expect(rerun.stdout).toContain(
      "| xQG α = 0.2      | 70.0† | 35.0  | 55.0  | 50.0  | 60.0  | 50.0  | 55.0  | 53.6  |",
    );
  });
});

describe("generated queries made elsewhere", () => {
  it("`generated:` skips generation and gives the same report from the same queries", async () => {
    await withTempDir(async (other) => {
      const config = await writeTestConfig(other, `generated: ${join(dir, "out/generated/queries.jsonl")}\n`);
      const result = await xqg("run", config);
      expect(result.code).toBe(0);
      expect(result.stderr).not.toMatch(/^xqg: generate/m);
      expect(result.stdout).toBe(reference.get("report/report.md")!.toString());
    });
  });
});

describe("resuming", () => {
  it("a run killed with SIGKILL mid-stage, then run again, gives byte-identical outputs", async () => {
    await withTempDir(async (other) => {
      const config = await writeTestConfig(other);
      for (const marker of ["generated/.xqg-staging", "embeddings/.xqg-staging"]) {
        const child = spawnXqg(["run", config, "--quiet"]);
        const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
        const deadline = Date.now() + 60_000;
        while (!existsSync(join(other, "out", marker)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(existsSync(join(other, "out", marker))).toBe(true);
        child.kill("SIGKILL");
        expect(await exited).toBeNull();
      }
      const resumed = await xqg("run", config, "--quiet");
      expect(resumed.code).toBe(0);
      expect(await snapshot(join(other, "out"))).toEqual(reference);
    });
  });

  it("two workers with --shard i/N, then a plain run, give the same outputs as one unsharded run", async () => {
    await withTempDir(async (other) => {
      const config = await writeTestConfig(other, "shards: 2\nmergeGenerated: true\n");
      for (const shard of ["1/2", "0/2"]) {
        const worker = await xqg("run", config, "--shard", shard);
        expect(worker.code).toBe(0);
        expect(worker.stdout).toBe("");
        expect(worker.stderr).toMatch(/shard done; run `xqg run .*` once every shard is done/);
      }
      expect((await xqg("run", config, "--quiet")).code).toBe(0);
      const sharded = await snapshot(join(other, "out"));
      const parts = [...sharded.keys()].filter((f) => f.includes(".shard-")).sort();
      expect(parts.filter((f) => !f.startsWith("manifests/"))).toEqual([
        "embeddings/passages.shard-0-of-2.ids",
        "embeddings/passages.shard-0-of-2.npy",
        "embeddings/passages.shard-0-of-2.npy.fingerprint",
        "embeddings/passages.shard-1-of-2.ids",
        "embeddings/passages.shard-1-of-2.npy",
        "embeddings/passages.shard-1-of-2.npy.fingerprint",
        "embeddings/sums.first-1.shard-0-of-2.counts.npy",
        "embeddings/sums.first-1.shard-0-of-2.ids",
        "embeddings/sums.first-1.shard-0-of-2.npy",
        "embeddings/sums.first-1.shard-0-of-2.npy.fingerprint",
        "embeddings/sums.first-1.shard-0-of-2.sums.json",
        "embeddings/sums.first-1.shard-1-of-2.counts.npy",
        "embeddings/sums.first-1.shard-1-of-2.ids",
        "embeddings/sums.first-1.shard-1-of-2.npy",
        "embeddings/sums.first-1.shard-1-of-2.npy.fingerprint",
        "embeddings/sums.first-1.shard-1-of-2.sums.json",
        "embeddings/sums.shard-0-of-2.counts.npy",
        "embeddings/sums.shard-0-of-2.ids",
        "embeddings/sums.shard-0-of-2.npy",
        "embeddings/sums.shard-0-of-2.npy.fingerprint",
        "embeddings/sums.shard-0-of-2.sums.json",
        "embeddings/sums.shard-1-of-2.counts.npy",
        "embeddings/sums.shard-1-of-2.ids",
        "embeddings/sums.shard-1-of-2.npy",
        "embeddings/sums.shard-1-of-2.npy.fingerprint",
        "embeddings/sums.shard-1-of-2.sums.json",
        "generated/queries.shard-0-of-2.jsonl",
        "generated/queries.shard-0-of-2.jsonl.fingerprint",
        "generated/queries.shard-1-of-2.jsonl",
        "generated/queries.shard-1-of-2.jsonl.fingerprint",
      ]);
      // every final output, and the manifests of every stage after the merges, are byte-identical (Σq too: it
      // was summed per shard, then joined); fingerprints are per unit (a shard's, or the whole corpus's)
      for (const [file, bytes] of reference) {
        if (/^manifests\/(generate|encode-passages|encode-generated(\.first-\d+)?)\.json$/.test(file))
          continue;
        if (file.endsWith(".fingerprint")) continue;
        expect(sharded.get(file), file).toEqual(bytes);
      }
    });
  });
});

describe("the report's provenance", () => {
  it("names every input with its digest and counts, deterministically; volatile facts apart", async () => {
    const provenance = JSON.parse(reference.get("report/provenance.json")!.toString()) as Record<
      string,
      { path?: string; sha256?: string; passages?: number; records?: number } & Record<string, unknown>
    >;
    expect(Object.keys(provenance)).toEqual(["settings", "corpus", "queries", "models", "packages"]);
    expect(provenance["settings"]).toMatchObject({ fuse: { alphas: [0, 0.1, 0.5] }, generate: { seed: 7 } });
    expect(provenance["corpus"]).toMatchObject({ passages: 288 });
    expect(provenance["queries"]).toMatchObject({ records: 147 });
    const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
    expect(provenance["corpus"]!.sha256).toBe(sha(join(QUICKSTART, "corpus.jsonl")));
    expect(Object.keys(provenance["models"]!)).toEqual(["encoder", "generator"]);
    expect(Object.keys(provenance["packages"]!)).toContain("@xqg/report");
    // the native runtimes the outputs depend on
    for (const runtime of ["onnxruntime-node", "@huggingface/tokenizers", "usearch"])
      expect(Object.keys(provenance["packages"]!)).toContain(runtime);
    const info = JSON.parse(await readFile(join(dir, "out", "report", "run-info.json"), "utf8"));
    expect(Object.keys(info)).toEqual(["date", "host", "node", "pipeline"]);
  });
});
