import { lstat, readdir, readFile, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { RunConfig } from "./config.js";
import { UserError } from "./errors.js";
import { layout } from "./layout.js";
import { isLeaseHeld, leasePath } from "./lease.js";
import { planUnits } from "./plan.js";
import { OUTPUT_MARKER } from "./safety.js";

/** One file `cleanOutput` removes (or would remove), relative to the output folder. */
export interface CleanedFile {
  readonly path: string;
  readonly bytes: number;
}

export interface CleanReport {
  /** The files removed (with `dryRun`, those that would be), in path order. */
  readonly removed: readonly CleanedFile[];
  /** Files kept: the config's units' manifests, the outputs they record, and xqg's own bookkeeping. */
  readonly kept: number;
}

/**
 * Removes what the config's current plan no longer uses from its output folder. An incremental run replaces
 * each unit's outputs in place, so the previous run leaves nothing behind; what piles up is the output of units
 * the plan has dropped (an α, an ablation point or a measure taken out, another shard count, an index type
 * changed) and outputs a unit stopped writing (Σq per language no longer fused). Kept: every manifest of the
 * plan's units (done or stale: a stale unit's outputs are what the next run builds on) and every file such a
 * manifest records, the output folder's marker and hash cache, the facts derived from inputs those manifests
 * record (`.xqg-cache/derived/`: a corpus's byte-offset index), and staging folders (each run clears its own).
 * Everything else under the output folder goes, and folders left empty with it. Only a folder xqg claimed (it
 * has the marker) is cleaned, and never while a live run holds one of its units' leases.
 */
export async function cleanOutput(
  config: RunConfig,
  options: { readonly dryRun?: boolean } = {},
): Promise<CleanReport> {
  const out = resolve(config.output);
  const paths = layout(out);
  const entries = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new UserError(`${config.file}: output: cannot read ${out} (${error.message})`, { cause: error });
  });
  if (entries === undefined) return { removed: [], kept: 0 };
  if (!entries.includes(OUTPUT_MARKER)) {
    throw new UserError(
      `${config.file}: output: ${out} is not an xqg output folder (it has no ${OUTPUT_MARKER}); nothing removed`,
    );
  }
  const manifests = join(out, "manifests");
  for (const name of await readdir(manifests).catch(() => [] as string[])) {
    if (!name.endsWith(".lease")) continue;
    const manifest = join(manifests, name.slice(0, -".lease".length));
    if (await isLeaseHeld(manifest)) {
      throw new UserError(
        `${config.file}: a run is working in ${out} (it holds ${leasePath(manifest)}); clean once it ends`,
      );
    }
  }
  // every shard's units, whatever shard this config runs: one shard's clean must not take the others' files
  const plan = planUnits({ ...config, shards: { count: config.shards.count, only: undefined } });
  // run-info.json: the date and host of the report last written, beside it and not recorded (it changes each run)
  const keep = new Set([join(out, OUTPUT_MARKER), paths.hashCache, join(paths.report, "run-info.json")]);
  const inputDigests = new Set<string>();
  for (const unit of plan.units) {
    keep.add(unit.manifest);
    const recorded = await readRecord(unit.manifest);
    for (const output of recorded.outputs) keep.add(output);
    for (const digest of recorded.inputs) inputDigests.add(digest);
  }
  // facts derived from an input (a corpus's byte-offset index) are named by its digest: those of inputs the
  // plan's manifests record stay, those of earlier versions of the corpus go
  const derived = join(dirname(paths.hashCache), "derived");
  const current = (path: string) =>
    keep.has(path) || (dirname(path) === derived && inputDigests.has(basename(path).split(".")[0]!));
  const removed: CleanedFile[] = [];
  let kept = 0;
  for await (const file of filesUnder(out)) {
    if (current(file.path)) {
      kept++;
      continue;
    }
    removed.push({ path: relative(out, file.path), bytes: file.bytes });
    if (!options.dryRun) await rm(file.path, { force: true });
  }
  if (!options.dryRun) await removeEmptyFolders(out, out);
  removed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { removed, kept };
}

/** The outputs (absolute paths) and the input digests a unit's manifest records; none without a readable one. */
async function readRecord(manifest: string): Promise<{ outputs: string[]; inputs: string[] }> {
  let recorded: { outputs?: Record<string, unknown>; inputs?: Record<string, { sha256?: unknown }> };
  try {
    recorded = JSON.parse(await readFile(manifest, "utf8"));
  } catch {
    return { outputs: [], inputs: [] };
  }
  return {
    outputs: Object.keys(recorded.outputs ?? {}).map((output) => resolve(dirname(manifest), output)),
    inputs: Object.values(recorded.inputs ?? {}).flatMap((input) =>
      typeof input?.sha256 === "string" ? [input.sha256] : [],
    ),
  };
}

/** Every regular file or link under `dir`, staging folders excepted. */
async function* filesUnder(dir: string): AsyncIterable<{ path: string; bytes: number }> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await lstat(path);
    if (info.isDirectory()) {
      if (name !== ".xqg-staging") yield* filesUnder(path);
    } else {
      yield { path, bytes: info.size };
    }
  }
}

async function removeEmptyFolders(dir: string, root: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (name !== ".xqg-staging" && (await lstat(path)).isDirectory()) await removeEmptyFolders(path, root);
  }
  if (dir !== root) await rmdir(dir).catch(() => undefined);
}
