import {
  createNpyWriter,
  idsPath,
  openNpy,
  readGeneratedQueries,
  readIds,
  writeGeneratedQueries,
  writeIds,
} from "@xqg/corpus";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { StageEnv } from "./common.js";

function partInputs(parts: readonly string[], sidecar?: (path: string) => string): Record<string, string> {
  const inputs: Record<string, string> = {};
  parts.forEach((part, i) => {
    inputs[`part${i}`] = part;
    if (sidecar) inputs[`part${i}Ids`] = sidecar(part);
  });
  return inputs;
}

/** Concatenates shard files of generated queries, in shard order (= corpus order). */
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
      await writeGeneratedQueries(
        staged(io.out),
        (async function* () {
          for (const part of parts) yield* readGeneratedQueries(part, { allowEmpty: true });
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
      const first = await openNpy(io.parts[0]!);
      const { dim, dtype } = first;
      await first.close();
      const writer = await createNpyWriter(staged(io.out), { dim, dtype });
      const ids: string[] = [];
      try {
        for (const part of io.parts) {
          const reader = await openNpy(part);
          try {
            if (reader.dim !== dim || reader.dtype !== dtype) {
              throw new UserError(
                `${part}: [${reader.rows}, ${reader.dim}] ${reader.dtype}, but ${io.parts[0]} has dimension ${dim} and ${dtype}`,
              );
            }
            for await (const block of reader.blocks(16384)) await writer.append(block.rows);
          } finally {
            await reader.close();
          }
          for (const id of await readIds(idsPath(part))) ids.push(id);
        }
        await writer.close();
      } catch (error) {
        await writer.abort();
        throw error;
      }
      await writeIds(staged(idsPath(io.out)), ids);
    },
  );
}
