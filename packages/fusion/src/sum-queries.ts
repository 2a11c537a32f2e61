import { writeIds } from "@xqg/core";
import { createNpyWriter, type GeneratedQueries, type Lang, type NpyWriter } from "@xqg/corpus";
import { checkLanguages } from "./checks.js";
import { FusionError } from "./errors.js";
import { type QuerySumFiles, querySumFiles, writeQuerySumManifest } from "./files.js";

export interface SumQueriesOptions {
  /** Where Σq goes (with its counts, per-language sums, description and ids beside it). */
  out: string;
  /** Embedding dimension that `embed` returns. */
  dim: number;
  /** Keep only the first N queries of each language (0 or unset: all): the paper's ablation over N. */
  limit?: number;
  /**
   * Also keep one sum per language for these languages, for per-language weights or subsets at fusion time.
   * Unset: only the total Σq (one more passages × dim matrix per language is a lot at 18M passages).
   */
  languages?: readonly Lang[];
  /** Queries gathered before each `embed` call; a chunk always ends with a whole record (default 256). */
  chunk?: number;
}

/**
 * Σq per passage for generated queries, streamed: records are taken in order, their queries embedded by
 * `embed` (e.g. a query encoder) chunk by chunk, and each record's row is written as soon as its chunk is
 * embedded. Memory is one chunk, whatever the number of passages, and the records are read once (their number
 * need not be known). Each row sums its passage's query embeddings in float32 in arrival order — the numbers
 * NumPy gives for `Q.sum(axis=0)` — so the files equal what `createQuerySumAccumulator` writes.
 */
export async function sumQueryEmbeddings(
  records: AsyncIterable<GeneratedQueries> | Iterable<GeneratedQueries>,
  embed: (texts: string[]) => Promise<Float32Array>,
  options: SumQueriesOptions,
): Promise<QuerySumFiles> {
  const { dim, limit = 0, chunk = 256 } = options;
  const languages = checkLanguages(options.languages);
  const files = querySumFiles(options.out, languages);
  const writers: NpyWriter[] = [];
  const open = async (path: string, columns: number) => {
    const writer = await createNpyWriter(path, { dimensions: columns });
    writers.push(writer);
    return writer;
  };
  let passages = 0;
  let queries = 0;
  try {
    const total = await open(files.sums, dim);
    const perLanguage = new Map<Lang, NpyWriter>();
    for (const l of languages) perLanguage.set(l, await open(files.languageSums[l]!, dim));
    const counts = await open(files.counts, 1 + languages.length);

    /** Embeds one chunk of whole records and appends their rows; yields their docids in order. */
    async function* writeChunk(chunkRecords: GeneratedQueries[]): AsyncGenerator<string> {
      const kept = chunkRecords.map((record) =>
        (Object.entries(record.queries) as Array<[Lang, string[]]>).flatMap(([lang, texts]) =>
          (limit > 0 ? texts.slice(0, limit) : texts).map((text) => ({ lang, text })),
        ),
      );
      const texts = kept.flat().map((q) => q.text);
      const vectors = texts.length > 0 ? await embed(texts) : new Float32Array(0);
      if (vectors.length !== texts.length * dim) {
        throw new FusionError(
          `embed returned ${vectors.length} floats for ${texts.length} queries of dimension ${dim}`,
          "shape-mismatch",
          { field: "embed" },
        );
      }
      const sums = new Float32Array(chunkRecords.length * dim);
      const langSums = new Map(languages.map((l) => [l, new Float32Array(chunkRecords.length * dim)]));
      const countRows = new Float32Array(chunkRecords.length * (1 + languages.length));
      let v = 0;
      kept.forEach((recordQueries, r) => {
        for (const { lang } of recordQueries) {
          const own = langSums.get(lang);
          for (let j = 0; j < dim; j++) {
            sums[r * dim + j] = sums[r * dim + j]! + vectors[v * dim + j]!; // float32 store: rounds like NumPy
            if (own) own[r * dim + j] = own[r * dim + j]! + vectors[v * dim + j]!;
          }
          countRows[r * (1 + languages.length)]!++;
          if (own) countRows[r * (1 + languages.length) + 1 + languages.indexOf(lang)]!++;
          v++;
        }
      });
      await total.append(sums);
      for (const [l, writer] of perLanguage) await writer.append(langSums.get(l)!);
      await counts.append(countRows);
      passages += chunkRecords.length;
      queries += texts.length;
      for (const record of chunkRecords) yield record.docid;
    }

    async function* docids(): AsyncGenerator<string> {
      let pending: GeneratedQueries[] = [];
      let pendingQueries = 0;
      for await (const record of records) {
        pending.push(record);
        for (const texts of Object.values(record.queries) as string[][])
          pendingQueries += limit > 0 ? Math.min(limit, texts.length) : texts.length;
        if (pendingQueries >= chunk) {
          yield* writeChunk(pending);
          pending = [];
          pendingQueries = 0;
        }
      }
      if (pending.length > 0) yield* writeChunk(pending);
    }

    // the ids file pulls the records through: each docid is written once its row is
    await writeIds(files.ids, docids());
    for (const writer of writers) await writer.close();
  } catch (error) {
    for (const writer of writers) await writer.abort().catch(() => undefined);
    throw error;
  }
  await writeQuerySumManifest(files, { passages, dim, queries, languages });
  return files;
}
