/**
 * Kill and resume with a half-written output in staging (issue #15, item 2). run.test.ts kills `xqg run` as soon
 * as a `.xqg-staging` folder appears, which in practice is always at the start of a stage, with nothing written
 * yet. Here each stage is killed (SIGKILL) while a file under its own staging folder holds part of its bytes,
 * and the run resumed after all the kills must leave every file byte-identical to an uninterrupted run.
 *
 * The outputs are buffered and written in few calls, so the window in which a staged file is part-written is
 * microseconds long: the child loads test/slow-staging-writes.mjs, which splits the first two writes to each
 * staged file in two halves with a pause between them. Only timing changes (same calls, same bytes, same files); the
 * resumed run is a plain `xqg run`.
 */
import { spawn } from "node:child_process";
import { type Dirent, existsSync, readdirSync, statSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICKSTART, snapshot, TINY_BERT, TINY_MT5, xqg } from "./helpers.js";

const RUNNER = resolve(import.meta.dirname, "..");
const PRELOAD = join(import.meta.dirname, "slow-staging-writes.mjs");
const PAUSE_MS = 400;
const TRIES = 3;

/** Two shards (so the merge stage runs), two languages, two systems: about 15 s of work on 2 busy cores. */
async function writeConfig(dir: string): Promise<string> {
  const file = join(dir, "xqg.yaml");
  await writeFile(
    file,
    `output: ${join(dir, "out")}
corpus: ${join(QUICKSTART, "corpus.jsonl")}
queries: ${join(QUICKSTART, "dev.jsonl")}
encoder: ${TINY_BERT}
generator: ${TINY_MT5}
threads: 1
shards: 2
evaluate: { tokenizer: treebank }
encode: { passageMaxLength: 64, batchSize: 16 }
generate: { languages: [ar, te], perLanguage: 2, maxLength: 8, seed: 7, batchSize: 32 }
fuse: { alphas: [0, 0.5] }
search: { depth: 20 }
`,
  );
  return file;
}

/**
 * The stages to kill, in pipeline order, by the name of their units' staging folders (the manifest's name):
 * `<output dir>/.xqg-staging/<unit>/`.
 */
const TARGETS: ReadonlyArray<{ stage: string; unit: RegExp }> = [
  { stage: "generate", unit: /^generate\.shard-/ },
  { stage: "encode (passages)", unit: /^encode-passages\.shard-/ },
  { stage: "merge", unit: /^merge-/ },
  { stage: "encode (generated queries)", unit: /^encode-generated\.shard-/ },
  { stage: "fuse", unit: /^fuse$/ },
  { stage: "search", unit: /^search\./ },
  { stage: "evaluate", unit: /^evaluate\./ },
];

/** The .npy header's size: a staged matrix counts as part-written once it holds more (some rows). */
const NPY_HEADER = 128;
const NPY = /\.npy(\.\d+\.[0-9a-f]+\.tmp)?$/;

/**
 * Part-written files under a staging folder of a unit matching `unit`: [unit, path, size]; a file counts once it
 * holds bytes, a matrix once it holds rows.
 */
function stagedFiles(out: string, unit: RegExp): Array<[string, string, number]> {
  const found: Array<[string, string, number]> = [];
  const walk = (dir: string, inUnit: string | undefined): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const isUnit = inUnit === undefined && dir.endsWith(".xqg-staging") && unit.test(entry.name);
        if (entry.name !== ".xqg-cache") walk(path, isUnit ? entry.name : inUnit);
      } else if (inUnit !== undefined) {
        try {
          const { size } = statSync(path);
          if (size > (NPY.test(entry.name) ? NPY_HEADER : 0)) found.push([inUnit, path, size]);
        } catch {
          // renamed into place meanwhile
        }
      }
    }
  };
  walk(out, undefined);
  return found;
}

/**
 * Runs `xqg run` in a child with slowed staging writes and SIGKILLs it as soon as a unit matching `unit` has a
 * staged file with bytes; undefined when the child got past that stage (or ended) without one being seen.
 */
async function killInside(config: string, out: string, unit: RegExp) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", PRELOAD, "src/bin.ts", "run", config, "--quiet"],
    {
      cwd: RUNNER,
      env: { ...process.env, XQG_TEST_STAGING_PAUSE_MS: String(PAUSE_MS) },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  let exited = false;
  const exit = new Promise<NodeJS.Signals | number | null>((done) =>
    child.on("exit", (code, signal) => {
      exited = true;
      done(signal ?? code);
    }),
  );
  let caught: [string, string, number] | undefined;
  while (!exited) {
    caught = stagedFiles(out, unit)[0];
    if (caught) {
      child.kill("SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 3));
  }
  const ended = await exit;
  if (!caught) {
    expect(stderr, "the child failed").toBe("");
    return undefined;
  }
  expect(ended).toBe("SIGKILL");
  return { unit: caught[0], file: caught[1], size: caught[2] };
}

let dir: string;
let reference: Map<string, Buffer>;

beforeAll(async () => {
  const { mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  dir = await mkdtemp(join(tmpdir(), "xqg-resume-"));
  const run = await xqg("run", await writeConfig(dir), "--quiet");
  expect(run.code).toBe(0);
  reference = await snapshot(join(dir, "out"));
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("resuming after SIGKILL with a half-written output", () => {
  it("kills generate, encode, merge, fuse, search and evaluate each mid-write; the resumed run is byte-identical", async () => {
    await withTempDir(async (other) => {
      const config = await writeConfig(other);
      const out = join(other, "out");
      const kills: string[] = [];
      for (const { stage, unit } of TARGETS) {
        let killed: Awaited<ReturnType<typeof killInside>>;
        for (let attempt = 1; attempt <= TRIES && !killed; attempt++) {
          killed = await killInside(config, out, unit);
          if (!killed) {
            // the stage finished unseen: forget its manifests so that the next try runs it again
            for (const name of readdirSync(join(out, "manifests")))
              if (unit.test(name.replace(/\.json$/, ""))) await rm(join(out, "manifests", name));
          }
        }
        if (!killed) throw new Error(`${stage}: no half-written staged file seen in ${TRIES} tries`);
        // the unit died mid-write: its staged file is still there, part-written, and it has no manifest
        expect(statSync(killed.file).size, `${stage}: ${killed.file}`).toBe(killed.size);
        expect(existsSync(join(out, "manifests", `${killed.unit}.json`)), `${stage}: manifest`).toBe(false);
        kills.push(`${stage}: ${relative(out, killed.file)} (${killed.size} bytes)`);
      }
      expect(kills).toHaveLength(TARGETS.length);
      const resumed = await xqg("run", config, "--quiet");
      expect(resumed.stderr).toBe("");
      expect(resumed.code).toBe(0);
      const after = await snapshot(out);
      expect([...after.keys()]).toEqual([...reference.keys()]); // no staging leftovers, nothing missing
      for (const [file, bytes] of reference) expect(after.get(file)?.equals(bytes), file).toBe(true);
    });
  }, 240_000);
});
