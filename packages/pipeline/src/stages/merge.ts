import { createReadStream } from "node:fs";
import { idsPath, writeTextAtomic } from "@xqg/core";
import { concatNpy, type Lang } from "@xqg/corpus";
import { concatQuerySums, querySumFiles } from "@xqg/fusion";
import { runStage } from "../manifest.js";
import type { StageEnv } from "./common.js";
import { sumFiles } from "./encode.js";

function partInputs(parts: readonly string[], sidecar?: (path: string) => string): Record<string, string> {
  const inputs: Record<string, string> = {};
  parts.forEach((part, i) => {
    inputs[`part${i}`] = part;
    if (sidecar) inputs[`part${i}Ids`] = sidecar(part);
  });
  return inputs;
}

/**
 * Concatenates shard files of generated queries, in shard order (= corpus order). The shards are this runner's
 * own JSON lines, one record a line, so their bytes are joined as they are: the languages the records hold (the
 * seven XOR-TyDi ones, or those of the config's `languages`) need no second check.
 */
export async function mergeGeneratedStage(
  env: StageEnv,
  io: { parts: readonly string[]; out: string; manifest: string },
) {
  return runStage(
    env,
    {
      stage: "merge",
      manifest: io.manifest,
      inputs: partInputs(io.parts),
      params: { parts: io.parts.length },
      packages: ["@xqg/corpus"],
      outputs: [io.out],
    },
    async (staged) => {
      const parts = io.parts;
      await writeTextAtomic(
        staged(io.out),
        (async function* () {
          for (const part of parts)
            yield* createReadStream(part, { encoding: "utf8" }) as AsyncIterable<string>;
        })(),
      );
    },
  );
}

/** Concatenates shard embedding matrices (and their ids sidecars), in shard order, block by block. */
export async function mergeMatrixStage(
  env: StageEnv,
  io: { parts: readonly string[]; out: string; manifest: string },
) {
  return runStage(
    env,
    {
      stage: "merge",
      manifest: io.manifest,
      inputs: partInputs(io.parts, idsPath),
      params: { parts: io.parts.length },
      packages: ["@xqg/corpus"],
      outputs: [io.out, idsPath(io.out)],
    },
    async (staged) => {
      await concatNpy(io.parts, { out: staged(io.out), ids: staged(idsPath(io.out)) });
    },
  );
}

/**
 * Joins the shards' Σq (sums, counts, per-language sums, ids and description), in shard order: the same bytes as
 * one Σq over all the generated queries, since each row depends only on its own passage's queries.
 */
export async function mergeSumsStage(
  env: StageEnv,
  io: { parts: readonly string[]; out: string; manifest: string; languages: readonly Lang[] },
) {
  const inputs: Record<string, string> = {};
  io.parts.forEach((part, i) => {
    const files = querySumFiles(part, io.languages);
    Object.assign(inputs, {
      [`part${i}`]: files.sums,
      [`part${i}Counts`]: files.counts,
      [`part${i}Ids`]: files.ids,
      [`part${i}Description`]: files.manifest,
      ...Object.fromEntries(io.languages.map((l) => [`part${i}.${l}`, files.languageSums[l]!])),
    });
  });
  return runStage(
    env,
    {
      stage: "merge",
      manifest: io.manifest,
      inputs,
      params: { parts: io.parts.length, languages: [...io.languages] },
      packages: ["@xqg/corpus", "@xqg/fusion"],
      outputs: sumFiles(io.out, io.languages),
    },
    async (staged) => {
      await concatQuerySums(io.parts, staged(io.out));
    },
  );
}
