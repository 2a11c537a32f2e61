import type { GeneratedQueries, Lang } from "@xqg/corpus";
import { createQuerySumAccumulator } from "./accumulator.js";
import type { QuerySumFiles } from "./files.js";

export interface SumQueriesOptions {
  /** Where Σq goes (with its counts, per-language sums, description and ids beside it). */
  out: string;
  /** Passages in `records` (one Σq row each). */
  passages: number;
  /** Embedding dimension that `embed` returns. */
  dim: number;
  /** Keep only the first N queries of each language (0 or unset: all): the paper's ablation over N. */
  limit?: number;
  /**
   * Also keep one sum per language for these languages, for per-language weights or subsets at fusion time.
   * Unset: only the total Σq (one extra passages × dim matrix per language is a lot at 18M passages).
   */
  languages?: readonly Lang[];
  /** Queries gathered before each `embed` call (default 256). */
  chunk?: number;
}

/**
 * Σq per passage for generated queries: `embed` (e.g. a query encoder) embeds them chunk by chunk and each
 * embedding is added to its passage's sum as it arrives, so no query embedding is ever kept. Rows follow the
 * records' order; `finish` writes the Σq files and the records' docids.
 */
export async function sumQueryEmbeddings(
  records: AsyncIterable<GeneratedQueries> | Iterable<GeneratedQueries>,
  embed: (texts: string[]) => Promise<Float32Array>,
  options: SumQueriesOptions,
): Promise<QuerySumFiles> {
  const { limit = 0, chunk = 256 } = options;
  const accumulator = createQuerySumAccumulator({
    passages: options.passages,
    dim: options.dim,
    ...(options.languages ? { languages: options.languages } : {}),
  });
  const perLanguage = options.languages !== undefined;
  const ids: string[] = [];
  let batch: Array<{ passageIndex: number; lang: Lang; text: string }> = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const vectors = await embed(batch.map((q) => q.text));
    const passageIndex = Int32Array.from(batch, (q) => q.passageIndex);
    if (perLanguage) {
      // the accumulator takes one language per block: split the chunk into runs of one language, in order
      let start = 0;
      for (let i = 1; i <= batch.length; i++) {
        if (i < batch.length && batch[i]!.lang === batch[start]!.lang) continue;
        accumulator.add({
          passageIndex: passageIndex.subarray(start, i),
          vectors: vectors.subarray(start * options.dim, i * options.dim),
          lang: batch[start]!.lang,
        });
        start = i;
      }
    } else {
      accumulator.add({ passageIndex, vectors });
    }
    batch = [];
  };
  let index = 0;
  for await (const record of records) {
    ids.push(record.docid);
    for (const [lang, queries] of Object.entries(record.queries) as Array<[Lang, string[]]>) {
      const kept = limit > 0 ? queries.slice(0, limit) : queries;
      for (const text of kept) batch.push({ passageIndex: index, lang, text });
    }
    if (batch.length >= chunk) await flush();
    index++;
  }
  await flush();
  return accumulator.finish(options.out, { ids });
}
