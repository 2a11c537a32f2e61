import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../src/cli/main.js";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const QUICKSTART = join(ROOT, "examples/quickstart");
export const TINY_BERT = join(ROOT, "tooling/fixtures/tiny-bert");
export const TINY_MT5 = join(ROOT, "tooling/fixtures/tiny-mt5");
const BIN = resolve(import.meta.dirname, "../src/bin.ts");

/** A small version of the quickstart (queries generated in 3 languages, 2 each) so the suite stays fast. */
export async function writeTestConfig(dir: string, overrides = ""): Promise<string> {
  const file = join(dir, "xqg.yaml");
  await writeFile(
    file,
    `output: ${join(dir, "out")}
corpus: ${join(QUICKSTART, "corpus.jsonl")}
queries: ${join(QUICKSTART, "dev.jsonl")}
encoder: ${TINY_BERT}
generator: ${TINY_MT5}
threads: 1
evaluate:
  tokenizer: treebank
encode:
  passageMaxLength: 64
generate:
  languages: [ar, ja, te]
  perLanguage: 2
  maxLength: 12
  seed: 7
  batchSize: 56
fuse:
  alphas: [0, 0.1, 0.5]
ablation:
  queriesPerLanguage: [1, 2]
  alpha: 0.5
${overrides}`,
  );
  return file;
}

/** Runs the CLI in this process; returns exit code, stdout and stderr. */
export async function xqg(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => {
    out += c;
  });
  stderr.on("data", (c) => {
    err += c;
  });
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: out, stderr: err };
}

/** Starts `xqg` as a child process (for kill tests). */
export function spawnXqg(argv: string[]) {
  return spawn(process.execPath, ["--import", "tsx", BIN, ...argv], {
    cwd: resolve(import.meta.dirname, ".."),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Every file under `dir` (relative path → bytes), skipping the hash cache and the report's run-info.json. */
export async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== ".xqg-cache") await walk(full);
        // run-info.json holds the date and host of the last report: volatile by design
      } else if (entry.name !== "run-info.json") out.set(relative(dir, full), await readFile(full));
    }
  };
  await walk(dir);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A small experiment (30 passages, 21 questions, one generated query per passage) that runs in seconds. */
export async function smallExperiment(dir: string, output = join(dir, "out"), extra = ""): Promise<string> {
  const corpus = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).split("\n").slice(0, 30);
  const queries = (await readFile(join(QUICKSTART, "dev.jsonl"), "utf8")).split("\n").slice(0, 21);
  await writeFile(join(dir, "corpus.jsonl"), `${corpus.join("\n")}\n`);
  await writeFile(join(dir, "dev.jsonl"), `${queries.join("\n")}\n`);
  const file = join(dir, "xqg.yaml");
  await writeFile(
    file,
    `output: ${output}
corpus: corpus.jsonl
queries: dev.jsonl
encoder: ${TINY_BERT}
generator: ${TINY_MT5}
threads: 1
evaluate: { tokenizer: treebank }
encode: { passageMaxLength: 64, batchSize: 4 }
generate: { languages: [ja, te], perLanguage: 1, maxLength: 8, seed: 3, batchSize: 4 }
fuse: { alphas: [0, 0.5] }
${extra}`,
  );
  return file;
}

/**
 * The small experiment's 30 passages less the 3rd and 10th, with 2 edited (a text, a title) and 2 appended
 * (written over `dir/corpus.jsonl`, the corpus of `smallExperiment`).
 */
export async function changedCorpus(dir: string): Promise<void> {
  const all = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).trim().split("\n");
  const lines = all
    .slice(0, 30)
    .map((line) => JSON.parse(line) as { docid: string; title: string; text: string });
  lines[4] = { ...lines[4]!, text: `${lines[4]!.text} It also has a harbour.` };
  lines[11] = { ...lines[11]!, title: `${lines[11]!.title} Town` };
  const kept = lines.filter((_, i) => i !== 2 && i !== 9);
  const appended = all.slice(40, 42).map((line) => JSON.parse(line));
  await writeFile(
    join(dir, "corpus.jsonl"),
    `${[...kept, ...appended].map((p) => JSON.stringify(p)).join("\n")}\n`,
  );
}

/**
 * The small experiment with two queries per language, an ablation point with its own Σq (first 1) and Σq kept
 * per language for ja: every file a Σq update writes. `extra` is appended to the config (e.g. `shards: 2`).
 */
export async function incrementalExperiment(dir: string, output: string, extra = ""): Promise<string> {
  const config = await smallExperiment(
    dir,
    output,
    `ablation: { queriesPerLanguage: [1], alpha: 0.5 }\n${extra}`,
  );
  const yaml = (await readFile(config, "utf8"))
    .replace("perLanguage: 1", "perLanguage: 2")
    .replace("batchSize: 4 }", "batchSize: 4, sumLanguages: [ja] }");
  await writeFile(config, yaml);
  return config;
}

/** The lines of a run's log that say what a unit reused (`X: reused N, added A, changed C, removed R passages`). */
export const reuseLines = (stderr: string) =>
  stderr.split("\n").filter((line) => / reused \d+, added /.test(line));

/**
 * Queries "generated elsewhere" for the first `passages` quickstart passages (default all; made up: three
 * languages × two), so that runs reading them skip generation and stay short.
 */
export async function writeMadeUpGenerated(dir: string, passages?: number): Promise<string> {
  const lines = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .slice(0, passages);
  const file = join(dir, "generated.jsonl");
  const records = lines.map((line) => {
    const { docid, title } = JSON.parse(line) as { docid: string; title: string };
    const q = (lang: string, n: number) => `${lang} ${n} where is ${title}?`;
    return JSON.stringify({
      docid,
      queries: { ar: [q("ar", 1), q("ar", 2)], ja: [q("ja", 1), q("ja", 2)], te: [q("te", 1), q("te", 2)] },
    });
  });
  await writeFile(file, `${records.join("\n")}\n`);
  return file;
}

/**
 * Files that only a run split for many machines (`shards`, `searchRanges`) has or names differently from an
 * unsplit run: the parts, and the manifests of the units that read or write them. Everything else is identical.
 */
export const SPLIT_ONLY =
  /^(.*\.fingerprint$|hits\/|generated\/queries\.shard-|embeddings\/(passages|sums(\.first-\d+)?)\.shard-|manifests\/(generate|encode-passages|encode-generated|search\.|merge-))/;

/** Where a one-off command (`xqg encode --out X`) keeps the manifest of X: `.xqg/manifests/` beside it. */
export function oneOffManifest(output: string): string {
  return join(dirname(output), ".xqg", "manifests", `${basename(output)}.json`);
}

/**
 * Runs `xqg run CONFIG` as a child whose staged files' first writes pause (test/slow-staging-writes.mjs), and
 * kills it with SIGKILL once its stderr has `line` and the staging folder `staging` exists: inside that unit.
 */
export async function killInsideUnit(config: string, line: string, staging: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./test/slow-staging-writes.mjs", "src/bin.ts", "run", config],
    {
      cwd: resolve(import.meta.dirname, ".."),
      env: { ...process.env, XQG_TEST_STAGING_PAUSE_MS: "400" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<unknown>((done) => child.on("exit", (code, signal) => done(signal ?? code)));
  while (!(stderr.includes(line) && existsSync(staging)) && child.exitCode === null)
    await new Promise((done) => setTimeout(done, 10));
  child.kill("SIGKILL");
  if ((await exit) !== "SIGKILL") throw new Error(`xqg run ended before the kill:\n${stderr}`);
}
