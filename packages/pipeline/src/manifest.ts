import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, relative } from "node:path";
import { isUserFacing } from "./errors.js";
import type { Hasher } from "./hash.js";
import { acquireLease } from "./lease.js";
import { formatDuration, type Logger } from "./progress.js";
import { makeStaging, refuseFolderOutputs, refuseOverwritingInputs, removeStaging } from "./safety.js";
import { RENAMED_DTYPES } from "./settings/stages.js";
import { composedPackages, pipelineVersion } from "./version.js";

/** What a stage reads, how it is set, and what it writes. Its manifest records all of it. */
export interface StageSpec {
  /** Stage name as the CLI spells it (`generate`, `encode`, ...). */
  readonly stage: string;
  /** Where the manifest lives; one manifest per unit of work (a shard, an α). */
  readonly manifest: string;
  /** Role → absolute path of each input file or model directory. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Everything that changes the outputs (never threads or batch sizes that do not). */
  readonly params: unknown;
  /** Packages whose code produces the outputs; their versions go into the manifest. */
  readonly packages: readonly string[];
  /** Absolute paths of every file the stage writes. */
  readonly outputs: readonly string[];
  /** Where its models ran (`cpu`, `cuda`), for stages that run models; recorded, never compared. */
  readonly device?: string;
  /**
   * The input role (e.g. `corpus`), or roles (an index's `embeddings` and `ids`; a shard's Σq over a `generated:`
   * file, `generated` and `corpus`), whose change alone lets the unit build on its previous outputs (an
   * incremental corpus update): when the unit is stale only because those inputs changed, or because an output
   * its manifest does not record is missing, `body` gets the previous run (`PreviousRun`).
   */
  readonly reusable?: string | readonly string[];
  /**
   * What a run of the unit would reuse of its previous run (the counts of its diff), for `xqg plan`: called when
   * the unit is inspected and is stale, with the previous run it may build on (`reusable`), if any; never while
   * it runs.
   */
  readonly previewReuse?: (previous: PreviousRun | undefined) => Promise<ReuseCounts | undefined>;
}

/** How many passages a reusing unit takes from its previous run, and how many it adds, changes and removes. */
export interface ReuseCounts {
  readonly unchanged: number;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/**
 * What a unit finds of its previous run when it may reuse it: nothing but the `reusable` input differs from its
 * manifest (same stage, other inputs, settings and package versions), and every output the manifest records is
 * still in place with its recorded digest. The outputs stay in place until the unit's staged outputs replace
 * them, so `body` reads them.
 */
export interface PreviousRun {
  /** Whether the reusable inputs are the ones the previous run read (same paths and digests). */
  readonly sameInput: boolean;
  /** The outputs of the previous run that are in place, as recorded (absolute paths). */
  readonly outputs: ReadonlySet<string>;
}

export interface StageContext {
  readonly hasher: Hasher;
  readonly log: Logger;
  /** Run even when the manifest matches. */
  readonly force: boolean;
  /**
   * Look, do not run: each unit reports its state here (done, stale and why, pending) and returns "skipped"
   * without taking its lease or writing anything (`xqg plan`, and `xqg unit`'s check of dependencies).
   */
  readonly inspect?: (state: UnitState) => void;
}

/** Where a unit stands: finished and up to date, finished but out of date (and why), or never run. */
export type UnitState =
  | { readonly state: "done" }
  | {
      readonly state: "stale";
      readonly reason: string;
      /** Of a unit that would build on its previous run: what it would reuse, add, change and remove. */
      readonly reuse?: ReuseCounts;
    }
  | { readonly state: "pending"; readonly reason: string };

/** The staging folders of the units this process is running now (removed on SIGINT / SIGTERM). */
const activeStaging = new Set<string>();

/**
 * Removes the staging of every unit this process is running, synchronously: what an interrupted process does
 * before it exits, beside releasing its leases, so that a stopped run leaves no partial output behind.
 */
export function removeActiveStagingSync(): void {
  for (const staging of activeStaging) {
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // the next run removes it
    }
  }
  activeStaging.clear();
}

interface Manifest {
  stage: string;
  inputs: Record<string, { path: string; sha256: string }>;
  params: unknown;
  packages: Record<string, string>;
  outputs: Record<string, { sha256: string }>;
  device?: string;
}

/**
 * Runs `body` unless the manifest already describes these inputs, parameters and package versions and every
 * output still has its recorded digest. `body` writes each output at `staged(finalPath)`, a private staging
 * directory beside the output; only when it returns are the files renamed into place and, last of all, the
 * manifest written. A run killed at any moment therefore leaves either no manifest (the stage runs again from
 * scratch, overwriting what it wrote) or a complete, consistent stage. A unit that builds on its previous run
 * (`reusable`, `PreviousRun`) keeps that run's manifest and outputs until its renames begin, so a kill before
 * them leaves the previous, consistent stage, which the rerun builds on again.
 */
export async function runStage(
  ctx: StageContext,
  spec: StageSpec,
  body: (staged: (finalPath: string) => string, previous?: PreviousRun) => Promise<void>,
): Promise<"ran" | "skipped"> {
  await refuseOverwritingInputs(spec.stage, spec.inputs, spec.outputs);
  await refuseFolderOutputs(spec.stage, spec.outputs);
  if (ctx.inspect) {
    ctx.inspect(await unitState(ctx.hasher, spec));
    return "skipped";
  }
  const base = dirname(spec.manifest);
  const near = relative(process.cwd(), spec.manifest);
  const where = near.startsWith("..") ? spec.manifest : near;
  await mkdir(base, { recursive: true });
  // the unit is ours from here until its manifest is written: a second run waits instead of deleting our staging
  const lease = await acquireLease(spec.manifest, { log: ctx.log, label: `${spec.stage} (${where})` });
  try {
    return await runLeased(ctx, spec, body, { base, where });
  } finally {
    await lease.release();
  }
}

async function runLeased(
  ctx: StageContext,
  spec: StageSpec,
  body: (staged: (finalPath: string) => string, previous?: PreviousRun) => Promise<void>,
  { base, where }: { base: string; where: string },
): Promise<"ran" | "skipped"> {
  const expected = await describe(ctx.hasher, spec, base);
  if (!ctx.force && (await matches(ctx.hasher, spec, expected, base))) {
    ctx.log.info(`${spec.stage}: up to date (${where})`);
    return "skipped";
  }
  const recorded = ctx.force ? undefined : await readManifest(spec.manifest);
  if (recorded) {
    const reason = await firstDifference(ctx.hasher, spec, recorded, expected, base);
    ctx.log.info(`${spec.stage}: out of date: ${reason} (${where})`);
  }
  // read before the manifest goes: the previous outputs stay in place until the renames below
  const previous = recorded ? await previousRun(ctx.hasher, spec, recorded, expected, base) : undefined;
  const started = Date.now();
  const stagingDirs = new Map<string, string>();
  const key = basename(spec.manifest, ".json");
  for (const output of spec.outputs) {
    const staging = join(dirname(output), ".xqg-staging", key);
    if (!stagingDirs.has(staging)) {
      activeStaging.add(staging);
      await makeStaging(staging, spec.manifest);
      stagingDirs.set(staging, staging);
    }
  }
  // a unit that may build on its previous outputs keeps their manifest until its own outputs replace them: killed
  // before that, it finds the same previous run again (and computes only what changed again)
  if (previous === undefined) await rm(spec.manifest, { force: true });
  const staged = (finalPath: string): string => {
    if (!spec.outputs.includes(finalPath))
      throw new Error(`bug: ${finalPath} is not a declared output of ${spec.stage}`);
    return join(dirname(finalPath), ".xqg-staging", key, basename(finalPath));
  };
  try {
    await body(staged, previous);
  } catch (error) {
    // a failed or aborted unit leaves nothing behind: its staging goes now, not at the next run
    for (const staging of stagingDirs.keys()) {
      await removeStaging(staging).catch(() => undefined);
      await rmdir(dirname(staging)).catch(() => undefined);
    }
    throw error;
  } finally {
    for (const staging of stagingDirs.keys()) activeStaging.delete(staging);
  }
  for (const output of spec.outputs) {
    try {
      await stat(staged(output));
    } catch {
      throw new Error(`bug: ${spec.stage} did not write ${output}`);
    }
  }
  await rm(spec.manifest, { force: true });
  for (const output of spec.outputs) await rename(staged(output), output);
  for (const staging of stagingDirs.keys()) {
    await removeStaging(staging);
    await rmdir(dirname(staging)).catch(() => undefined);
  }
  const outputs: Manifest["outputs"] = {};
  for (const output of spec.outputs)
    outputs[relative(base, output)] = { sha256: await ctx.hasher.hash(output) };
  const temp = `${spec.manifest}.tmp`;
  const device = spec.device === undefined ? {} : { device: spec.device };
  await writeFile(temp, `${JSON.stringify({ ...expected, ...device, outputs }, null, 2)}\n`);
  await rename(temp, spec.manifest);
  await ctx.hasher.save();
  ctx.log.info(`${spec.stage}: done in ${formatDuration((Date.now() - started) / 1000)} (${where})`);
  return "ran";
}

/** A unit's state, and for a stale one the first difference between its manifest and what it would record now. */
export async function unitState(hasher: Hasher, spec: StageSpec): Promise<UnitState> {
  const base = dirname(spec.manifest);
  const recorded = await readManifest(spec.manifest);
  if (!recorded) return { state: "pending", reason: "not run yet" };
  const expected = await describe(hasher, spec, base);
  if (await matches(hasher, spec, expected, base)) return { state: "done" };
  const reason = await firstDifference(hasher, spec, recorded, expected, base);
  if (!spec.previewReuse) return { state: "stale", reason };
  try {
    const reuse = await spec.previewReuse(await previousRun(hasher, spec, recorded, expected, base));
    return { state: "stale", reason, ...(reuse ? { reuse } : {}) };
  } catch (error) {
    // a plan still shows every unit: an input the run would refuse (a bad line) is named, not thrown
    if (!isUserFacing(error)) throw error;
    return { state: "stale", reason: `${reason}; its input cannot be diffed: ${(error as Error).message}` };
  }
}

/**
 * The previous run a unit may build on (`StageSpec.reusable`), or undefined: every recorded field but the
 * reusable inputs equals what the unit would record now, and every output the manifest records is intact.
 */
async function previousRun(
  hasher: Hasher,
  spec: StageSpec,
  recorded: Manifest,
  expected: Omit<Manifest, "outputs">,
  base: string,
): Promise<PreviousRun | undefined> {
  if (spec.reusable === undefined) return undefined;
  const roles: readonly string[] = typeof spec.reusable === "string" ? [spec.reusable] : spec.reusable;
  if (!roles.every((role) => role in expected.inputs && recorded.inputs?.[role])) return undefined;
  const without = (inputs: Manifest["inputs"]) =>
    Object.fromEntries(Object.entries(inputs).filter(([name]) => !roles.includes(name)));
  const same = (a: unknown, b: unknown) =>
    JSON.stringify(a) === JSON.stringify(JSON.parse(JSON.stringify(b)));
  if (recorded.stage !== expected.stage) return undefined;
  if (!same(without(recorded.inputs), without(expected.inputs))) return undefined;
  if (!same(migrateParams(recorded.stage, recorded.params), expected.params)) return undefined;
  if (!same(migratePackages(recorded.packages, expected.packages), expected.packages)) return undefined;
  const outputs = new Set<string>();
  for (const output of spec.outputs) {
    const want = recorded.outputs?.[relative(base, output)];
    if (!want) continue;
    const have = await hasher.hash(output).catch(() => undefined);
    // an output changed or lost since: the previous run is not what its manifest says
    if (have !== want.sha256) return undefined;
    outputs.add(output);
  }
  const sameInput = roles.every((role) => {
    const was = recorded.inputs[role]!;
    const now = expected.inputs[role]!;
    return was.path === now.path && was.sha256 === now.sha256;
  });
  return { sameInput, outputs };
}

/** A unit's recorded manifest, or undefined when there is none (or a torn one). */
async function readManifest(path: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

async function firstDifference(
  hasher: Hasher,
  spec: StageSpec,
  recorded: Manifest,
  expected: Omit<Manifest, "outputs">,
  base: string,
): Promise<string> {
  if (recorded.stage !== expected.stage) return `its stage changed (${recorded.stage} → ${expected.stage})`;
  for (const [role, input] of Object.entries(expected.inputs)) {
    const was = recorded.inputs?.[role];
    if (!was) return `a new input: ${role} (${input.path})`;
    if (was.path !== input.path) return `its input ${role} is now ${input.path} (was ${was.path})`;
    if (was.sha256 !== input.sha256) return `its input ${role} changed (${input.path})`;
  }
  for (const role of Object.keys(recorded.inputs ?? {}))
    if (!(role in expected.inputs)) return `an input is gone: ${role}`;
  const param = differingKey(recorded.params, JSON.parse(JSON.stringify(expected.params)));
  if (param !== undefined) return `a setting changed: ${param || "(all)"}`;
  const packages = migratePackages(recorded.packages ?? {}, expected.packages);
  for (const [name, version] of Object.entries(expected.packages)) {
    if (packages[name] !== version) return `${name} changed (${packages[name] ?? "none"} → ${version})`;
  }
  for (const output of spec.outputs) {
    const want = recorded.outputs?.[relative(base, output)];
    const have = await hasher.hash(output).catch(() => undefined);
    if (!want || have === undefined) return `an output is missing: ${relative(process.cwd(), output)}`;
    if (have !== want.sha256) return `an output was changed since: ${relative(process.cwd(), output)}`;
  }
  return "its manifest differs";
}

/** The dotted path of the first value that differs between two JSON values, "" for the whole; else undefined. */
function differingKey(a: unknown, b: unknown, path = ""): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return path;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const found = differingKey(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      path ? `${path}.${key}` : key,
    );
    if (found !== undefined) return found;
  }
  return path;
}

async function describe(hasher: Hasher, spec: StageSpec, base: string): Promise<Omit<Manifest, "outputs">> {
  const inputs: Manifest["inputs"] = {};
  for (const role of Object.keys(spec.inputs).sort()) {
    const path = spec.inputs[role]!;
    inputs[role] = { path: relative(base, path), sha256: await hasher.hash(path) };
  }
  return { stage: spec.stage, inputs, params: spec.params, packages: packageVersions(spec.packages) };
}

/**
 * Setting values that were renamed after units recorded them: stage, params key, old value → new value. A
 * unit whose manifest holds an old spelling is compared as if it held the new one, so renaming a value never
 * makes finished work stale (an HNSW index built with `dtype: "f16"` is the one `dtype: "float16"` asks for).
 */
export const PARAM_MIGRATIONS: ReadonlyArray<{
  readonly stage: string;
  readonly key: string;
  readonly values: Readonly<Record<string, string>>;
}> = [{ stage: "index", key: "dtype", values: RENAMED_DTYPES }];

/** `params` as recorded by a unit of `stage`, with renamed values in their current spelling (a new object). */
export function migrateParams(stage: string, params: unknown): unknown {
  if (params === null || typeof params !== "object" || Array.isArray(params)) return params;
  let migrated: Record<string, unknown> | undefined;
  for (const { stage: s, key, values } of PARAM_MIGRATIONS) {
    const value = (params as Record<string, unknown>)[key];
    if (s !== stage || typeof value !== "string" || !Object.hasOwn(values, value)) continue;
    migrated ??= { ...(params as Record<string, unknown>) };
    migrated[key] = values[value];
  }
  return migrated ?? params;
}

async function matches(hasher: Hasher, spec: StageSpec, expected: Omit<Manifest, "outputs">, base: string) {
  const recorded = await readManifest(spec.manifest);
  if (!recorded) return false;
  // the device is a record of where the unit ran, not a reason to run it again
  const { outputs, device: _device, ...rest } = recorded;
  rest.params = migrateParams(rest.stage, rest.params);
  rest.packages = migratePackages(rest.packages, expected.packages);
  if (JSON.stringify(rest) !== JSON.stringify(JSON.parse(JSON.stringify(expected)))) return false;
  for (const output of spec.outputs) {
    const want = outputs[relative(base, output)];
    if (!want) return false;
    try {
      if ((await hasher.hash(output)) !== want.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

// Not named `require`: the CommonJS build (dist/*.cjs) has a `require` of its own at the top level.
const requireHere = createRequire(import.meta.url);

/**
 * The native runtimes whose version changes what a package computes (onnxruntime-node's ORT build changes
 * every embedding; the tokenizers library every token; usearch the HNSW graph): recorded beside the package,
 * so that a unit made with another runtime is out of date, with the versions as the reason.
 */
export const NATIVE_RUNTIMES: Readonly<Record<string, readonly string[]>> = {
  "@xqg/models": ["onnxruntime-node", "@huggingface/tokenizers"],
  "@xqg/encoders": ["onnxruntime-node"],
  "@xqg/querygen": ["onnxruntime-node"],
  "@xqg/ann": ["usearch"],
};

/**
 * `{ name: version }` of the given packages as installed, plus the pipeline itself, plus the native runtimes they
 * run on (`NATIVE_RUNTIMES`, each resolved from the package that loads it).
 */
export function packageVersions(names: readonly string[]): Record<string, string> {
  const versions = new Map<string, string>([[PIPELINE, pipelineVersion()]]);
  for (const name of names) {
    const manifest = requireHere.resolve(`${name}/package.json`);
    versions.set(name, (requireHere(manifest) as { version: string }).version);
    for (const runtime of NATIVE_RUNTIMES[name] ?? [])
      versions.set(runtime, installedVersion(runtime, manifest));
  }
  return Object.fromEntries([...versions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The version of `name` as `from` (a package.json) would load it; its package.json found by walking up. */
function installedVersion(name: string, from: string): string {
  const load = createRequire(from);
  let dir = dirname(load.resolve(name));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (manifest.name === name && manifest.version) return manifest.version;
    }
    if (dirname(dir) === dir) throw new Error(`bug: no package.json of ${name} above ${from}`);
    dir = dirname(dir);
  }
}

const PIPELINE = "@xqg/pipeline";

/** The versions of every package whose code decides a unit's outputs: the pipeline, the packages it composes, their native runtimes. */
export function codeVersions(): Record<string, string> {
  return packageVersions(composedPackages());
}

/**
 * Package versions as an older manifest recorded them, in today's terms (a new object):
 * - before the native runtimes were recorded, a manifest has none: it counts as made with today's (there is no
 *   telling), so that finished units are not redone for an upgrade of xqg alone;
 * - before the pipeline was a package of its own (@xqg/pipeline), its code was the `xqg` package's, recorded as
 *   `xqg`: the same code at the same version.
 */
function migratePackages(
  recorded: Record<string, string> | undefined,
  expected: Readonly<Record<string, string>>,
): Record<string, string> {
  const { xqg: legacyPipeline, ...rest } = recorded ?? {};
  const renamed =
    legacyPipeline !== undefined && !(PIPELINE in rest)
      ? { ...rest, [PIPELINE]: legacyPipeline }
      : (recorded ?? {});
  const runtimes = new Set(Object.values(NATIVE_RUNTIMES).flat());
  const missing = Object.keys(expected).filter((name) => runtimes.has(name) && !(name in renamed));
  const merged = { ...renamed, ...Object.fromEntries(missing.map((name) => [name, expected[name]!])) };
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
