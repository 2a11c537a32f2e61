import { checkOptions, idsPath, readIds, writeIds } from "@xqg/core";
import { CorpusError } from "../errors.js";
import { openNpy } from "./reader.js";
import { createNpyWriter } from "./writer.js";

export interface ConcatNpyOptions {
  /** The concatenated matrix (written atomically). */
  out: string;
  /** Also concatenate the parts' ids sidecars (`idsPath(part)`) into this file. */
  ids?: string;
  /** Rows per block read from a part (default 16,384): memory stays one block, whatever the sizes. */
  batchSize?: number;
}

/**
 * Concatenates `.npy` matrices row-wise, in the given order (e.g. shards, in corpus order), block by block.
 * Every part must have the first part's dimension and dtype, which the output keeps (float16 values round-trip
 * exactly through float32). Returns the shape written.
 */
export async function concatNpy(
  parts: readonly string[],
  options: ConcatNpyOptions,
): Promise<{ rows: number; dimensions: number; dtype: string }> {
  checkOptions(options, ["out", "ids", "batchSize"], "concatNpy");
  if (parts.length === 0)
    throw new CorpusError("no parts to concatenate", { file: options.out, code: "npy-shape" });
  const first = await openNpy(parts[0]!);
  const { dimensions: dim, dtype } = first;
  await first.close();
  const writer = await createNpyWriter(options.out, { dimensions: dim, dtype });
  const ids: string[] = [];
  try {
    for (const part of parts) {
      const reader = await openNpy(part);
      try {
        if (reader.dimensions !== dim || reader.dtype !== dtype) {
          throw new CorpusError(
            `[${reader.rows}, ${reader.dimensions}] ${reader.dtype}, but ${parts[0]} has dimension ${dim} and ${dtype}`,
            { file: part, code: "npy-shape" },
          );
        }
        for await (const block of reader.blocks({ batchSize: options.batchSize ?? 16384 }))
          await writer.append(block.rows);
      } finally {
        await reader.close();
      }
      if (options.ids !== undefined) for (const id of await readIds(idsPath(part))) ids.push(id);
    }
    const { rows } = await writer.close();
    if (options.ids !== undefined) await writeIds(options.ids, ids);
    return { rows, dimensions: dim, dtype };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
