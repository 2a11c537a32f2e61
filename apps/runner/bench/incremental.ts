// An incremental run against a full run on the same changed corpus, in one process and one run (issue #23):
//   1. a full `xqg run` over N passages (the quickstart's passages repeated under new docids, each text tagged
//      so that no two are equal), with the tiny fixture models;
//   2. the corpus changed by 1%: a third of the change deletions, a third edited texts, a third appended;
//   3. `xqg run` again in the same output folder (incremental: generate, encode-passages and Σq reuse), and
//      a fresh run on the changed corpus in another folder (the anchor);
//   4. per stage, the wall time of each (from the units' `done in` lines), and whether every output is equal.
//   pnpm --filter xqg bench:incremental      (XQG_BENCH_PASSAGES=5000 XQG_BENCH_CHANGE=0.01)
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { formatTable } from "@xqg/bench-utils";
import { main } from "../src/cli/main.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const N = Number(process.env["XQG_BENCH_PASSAGES"] ?? 5000);
const CHANGE = Number(process.env["XQG_BENCH_CHANGE"] ?? 0.01);

interface Passage {
  docid: string;
  title: string;
  text: string;
}

async function passages(): Promise<Passage[]> {
  const source = (await readFile(join(ROOT, "examples/quickstart/corpus.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Passage);
  return Array.from({ length: N }, (_, i) => {
    const p = source[i % source.length]!;
    return { docid: `p${i}`, title: p.title, text: `${p.text} (${i})` };
  });
}

async function writeCorpus(file: string, rows: readonly Passage[]): Promise<void> {
  await writeFile(file, rows.map((p) => `${JSON.stringify(p)}\n`).join(""));
}

function configText(output: string, corpus: string): string {
  return `output: ${output}
corpus: ${corpus}
queries: ${join(ROOT, "examples/quickstart/dev.jsonl")}
encoder: ${join(ROOT, "tooling/fixtures/tiny-bert")}
generator: ${join(ROOT, "tooling/fixtures/tiny-mt5")}
evaluate: { tokenizer: treebank }
encode: { passageMaxLength: 64 }
generate: { languages: [ja, te], perLanguage: 1, maxLength: 8, batchSize: 64, seed: 7 }
fuse: { alphas: [0, 0.5] }
`;
}

/** Runs `xqg run`; returns seconds per stage from the units' `<stage>: done in` lines, and the whole wall time. */
async function run(config: string): Promise<{ stages: Map<string, number>; wall: number; log: string }> {
  const stderr = new PassThrough();
  let log = "";
  stderr.on("data", (c) => {
    log += c;
  });
  const started = performance.now();
  const code = await main(["run", config], { stdout: new PassThrough(), stderr });
  const wall = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(log);
  const stages = new Map<string, number>();
  for (const match of log.matchAll(/^xqg: ([\w-]+): done in (?:(\d+)m)?([\d.]+)s/gm)) {
    const seconds = Number(match[2] ?? 0) * 60 + Number(match[3]);
    stages.set(match[1]!, (stages.get(match[1]!) ?? 0) + seconds);
  }
  return { stages, wall, log };
}

/** SHA-256 of every output file under `dir` (manifests and the run's own records left out). */
async function digests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        if (![".xqg-cache", "manifests"].includes(entry.name)) await walk(full);
      } else if (!["run-info.json", "provenance.json"].includes(entry.name))
        out.set(
          relative(dir, full),
          createHash("sha256")
            .update(await readFile(full))
            .digest("hex"),
        );
    }
  };
  await walk(dir);
  return out;
}

const dir = await mkdtemp(join(tmpdir(), "xqg-bench-incremental-"));
try {
  const base = await passages();
  const corpus = join(dir, "corpus.jsonl");
  await writeCorpus(corpus, base);
  await mkdir(join(dir, "fresh"));
  const config = join(dir, "xqg.yaml");
  await writeFile(config, configText(join(dir, "out"), corpus));
  const full = await run(config);

  // the change: deletions, edits and appends, a third each, spread over the corpus
  const third = Math.max(1, Math.round((N * CHANGE) / 3));
  const step = Math.floor(N / (2 * third));
  const deleted = new Set(Array.from({ length: third }, (_, i) => `p${i * 2 * step}`));
  const edited = new Set(Array.from({ length: third }, (_, i) => `p${i * 2 * step + step}`));
  const changed = base
    .filter((p) => !deleted.has(p.docid))
    .map((p) => (edited.has(p.docid) ? { ...p, text: `${p.text} (edited)` } : p))
    .concat(
      Array.from({ length: third }, (_, i) => ({
        ...base[i]!,
        docid: `new${i}`,
        text: `${base[i]!.text} (new)`,
      })),
    );
  await writeCorpus(corpus, changed);

  const incremental = await run(config);
  const freshConfig = join(dir, "fresh", "xqg.yaml");
  await writeFile(freshConfig, configText(join(dir, "fresh", "out"), corpus));
  const fresh = await run(freshConfig);

  const [a, b] = [await digests(join(dir, "out")), await digests(join(dir, "fresh", "out"))];
  const same = a.size === b.size && [...a].every(([file, sha]) => b.get(file) === sha);
  const names = [...new Set([...full.stages.keys(), ...fresh.stages.keys()])];
  const seconds = (m: Map<string, number>, s: string) => m.get(s) ?? 0;
  const rows = names.map((stage) => ({
    stage,
    "full run s": seconds(full.stages, stage),
    "fresh run on the changed corpus s": seconds(fresh.stages, stage),
    "incremental run s": seconds(incremental.stages, stage),
    "incremental ÷ fresh":
      seconds(fresh.stages, stage) > 0
        ? seconds(incremental.stages, stage) / seconds(fresh.stages, stage)
        : 0,
  }));
  const heavy = ["generate", "encode"];
  const sum = (m: Map<string, number>) => heavy.reduce((t, s) => t + seconds(m, s), 0);
  console.log(
    `N=${N} passages, change ${(CHANGE * 100).toFixed(1)}%: ${third} deleted, ${third} edited, ${third} appended; ` +
      `tiny fixture models, languages ja and te, 1 query each\n`,
  );
  console.log(formatTable(rows));
  console.log(
    `\ngeneration + encoding: incremental ${sum(incremental.stages).toFixed(2)} s vs fresh ${sum(fresh.stages).toFixed(2)} s ` +
      `(${((100 * sum(incremental.stages)) / sum(fresh.stages)).toFixed(1)}%); whole run: incremental ` +
      `${incremental.wall.toFixed(1)} s vs fresh ${fresh.wall.toFixed(1)} s; every output equal: ${same ? "yes" : "NO"}`,
  );
  for (const line of incremental.log.split("\n").filter((l) => /reused \d+/.test(l))) console.log(line);
  if (!same) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
