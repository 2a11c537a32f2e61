import { createHash } from "node:crypto";
import type { StageEnv } from "./stages/common.js";
import { corpusStage } from "./stages/corpus.js";
import { encodeGeneratedStage, encodePassagesStage, encodeQueriesStage } from "./stages/encode.js";
import { evaluateStage } from "./stages/evaluate.js";
import { fuseStage } from "./stages/fuse.js";
import { generateStage } from "./stages/generate.js";
import { indexStage } from "./stages/index-stage.js";
import { mergeGeneratedStage, mergeMatrixStage, mergeSumsStage } from "./stages/merge.js";
import { reportStage } from "./stages/report.js";
import { mergeSearchStage, searchRangeStage, searchStage } from "./stages/search.js";
import { passageTextsStage } from "./stages/texts.js";

type FuseIo = Parameters<typeof fuseStage>[1];

/**
 * Every kind of unit and the stage function that runs it: the typed registry that turns a unit's data into
 * work. Each function takes the stage environment, then the unit's arguments (plain data).
 */
const STAGES = {
  corpus: corpusStage,
  generate: generateStage,
  "encode-passages": encodePassagesStage,
  "encode-generated": encodeGeneratedStage,
  "encode-queries": encodeQueriesStage,
  "merge-generated": mergeGeneratedStage,
  "merge-matrix": mergeMatrixStage,
  "merge-sums": mergeSumsStage,
  // a unit's outputs are [α, path] pairs (JSON has no Map)
  fuse: (
    env: StageEnv,
    io: Omit<FuseIo, "outputs"> & { outputs: ReadonlyArray<readonly [number, string]> },
    settings: Parameters<typeof fuseStage>[2],
  ) => fuseStage(env, { ...io, outputs: new Map(io.outputs) }, settings),
  index: indexStage,
  search: searchStage,
  "search-range": searchRangeStage,
  "merge-search": mergeSearchStage,
  "passage-texts": passageTextsStage,
  evaluate: evaluateStage,
  report: reportStage,
} as const;

export type WorkKind = keyof typeof STAGES;
type Rest<F> = F extends (env: StageEnv, ...args: infer A) => unknown ? A : never;
/** The arguments of a kind's stage function after the environment. */
export type WorkArgs<K extends WorkKind> = Rest<(typeof STAGES)[K]>;

/** What a unit runs: a kind of the registry and its arguments. */
export interface Work {
  readonly kind: WorkKind;
  readonly args: readonly unknown[];
}

/** A unit's work, type-checked against its stage function's parameters. */
export function work<K extends WorkKind>(kind: K, ...args: WorkArgs<K>): Work {
  return { kind, args };
}

/**
 * Runs one unit: its stage function with its arguments, through the unit protocol (`runStage`: digest check,
 * lease, staging, atomic rename, manifest last). Returns whether it ran or was already up to date.
 */
export async function runUnit(unit: { readonly work: Work }, env: StageEnv): Promise<"ran" | "skipped"> {
  const run = STAGES[unit.work.kind] as (env: StageEnv, ...args: readonly unknown[]) => Promise<unknown>;
  return (await run(env, ...unit.work.args)) as "ran" | "skipped";
}

/** SHA-256 of a plan's units (keys, dependencies, work): equal plans, equal digests. */
export function planDigest(units: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(units)).digest("hex");
}

/** SHA-256 of one unit's data: a worker given a unit recomputes it to know it runs what was planned. */
export function unitDigest(unit: unknown): string {
  return createHash("sha256").update(JSON.stringify(unit)).digest("hex");
}
