import { rm } from "node:fs/promises";
import type { Lang } from "@xqg/corpus";
import { type QuerySumFiles, sumQueries } from "../src/index.js";

/** Passage i's generated-query embeddings, by language, in arrival order. */
export type QueryVectors = Partial<Record<Lang, ArrayLike<number>[]>>;

/**
 * Σq files for explicit query embeddings, through `sumQueries` with an `embed` that reads each query's vector
 * back from its text (docids `p0`, `p1`, … unless `ids` names them; `ids: false` removes the ids sidecar).
 */
export async function writeSums(
  out: string,
  passages: readonly QueryVectors[],
  options: { dimensions: number; languages?: readonly Lang[]; ids?: readonly string[] | false },
): Promise<QuerySumFiles> {
  const records = passages.map((queries, i) => ({
    docid: options.ids ? options.ids[i]! : `p${i}`,
    queries: Object.fromEntries(
      Object.entries(queries).map(([lang, vectors]) => [
        lang,
        vectors.map((v) => JSON.stringify(Array.from(v))),
      ]),
    ),
  }));
  const embed = async (texts: string[]) => Float32Array.from(texts.flatMap((t) => JSON.parse(t) as number[]));
  const files = await sumQueries(records, embed, {
    out,
    dimensions: options.dimensions,
    ...(options.languages ? { languages: options.languages } : {}),
  });
  if (options.ids === false) await rm(files.ids);
  return files;
}

/** One query per passage (language "ja"), whose embedding is row i of `rows`: Σq is `rows` itself. */
export const oneQueryEach = (rows: Float32Array, dimensions: number): QueryVectors[] =>
  Array.from({ length: rows.length / dimensions }, (_, i) => ({
    ja: [rows.subarray(i * dimensions, (i + 1) * dimensions)],
  }));
