import { rm } from "node:fs/promises";
import { checkRecord, type LongCallOptions, writeIds } from "@xqg/core";
import { createNpyWriter, type GeneratedQueries, type Lang, type NpyWriter } from "@xqg/corpus";
import { checkFinite, checkKeys, checkLanguages, checkPositiveInteger } from "./checks.js";
import { FUSION_DEFAULTS } from "./defaults.js";
import { FusionError } from "./errors.js";
import { type QuerySumFiles, querySumFiles, writeQuerySumManifest } from "./files.js";

export interface SumQueriesOptions extends LongCallOptions {
  /** Where Σq goes (with its counts, per-language sums, description and ids beside it). */
  out: string;
  /** Width of the vectors `embed` returns. */
  dimensions: number;
  /** Keep only the first N queries of each language (0 or unset: all): the paper's ablation over N. */
  limit?: number | undefined;
  /**
   * Also keep one sum per language for these languages, for per-language weights or subsets at fusion time.
   * Unset: only the total Σq (one more passages × dimensions matrix per language is a lot at 18M passages).
   */
  languages?: readonly Lang[] | undefined;
  /** Queries gathered before each `embed` call; a batch always ends with a whole record (default 256). */
  batchSize?: number | undefined;
}

const KEYS = ["out", "dimensions", "limit", "languages", "batchSize", "onProgress", "signal"];

/**
 * Σq per passage for generated queries, streamed: records are taken in order, their queries embedded by
 * `embed` (e.g. a query encoder) batch by batch, and each record's row is written as soon as its batch is
 * embedded. Memory is one batch, whatever the number of passages, and the records are read once (their number
 * need not be known). Each row sums its passage's query embeddings in float32 in arrival order (its languages
 * in the record's order, each language's queries in order): the numbers NumPy gives for `Q.sum(axis=0)`.
 * Progress counts passages (`task: "sum"`); an abort or an error leaves none of the files.
 */
export async function sumQueries(
  records: AsyncIterable<GeneratedQueries> | Iterable<GeneratedQueries>,
  embed: (texts: string[]) => Promise<Float32Array>,
  options: SumQueriesOptions,
): Promise<QuerySumFiles> {
  checkKeys(options, KEYS, "sumQueries");
  if (typeof options?.out !== "string")
    throw new FusionError("sumQueries: out must be a path", { code: "invalid-option", field: "out" });
  if (typeof embed !== "function")
    throw new FusionError("sumQueries: embed must be a function of texts", {
      code: "invalid-option",
      field: "embed",
    });
  const dim = checkPositiveInteger(options.dimensions, "dimensions");
  const limit = options.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0)
    throw new FusionError(`limit must be a non-negative integer, got ${JSON.stringify(limit)}`, {
      code: "invalid-option",
      field: "limit",
    });
  const batchSize = checkPositiveInteger(options.batchSize ?? FUSION_DEFAULTS.batchSize, "batchSize");
  const { signal, onProgress } = options;
  const languages = checkLanguages(options.languages);
  const files = querySumFiles(options.out, languages);
  signal?.throwIfAborted();
  const writers: NpyWriter[] = [];
  const open = async (path: string, columns: number) => {
    const writer = await createNpyWriter(path, { dimensions: columns });
    writers.push(writer);
    return writer;
  };
  let passages = 0;
  let queries = 0;
  let idsWritten = false;
  try {
    const total = await open(files.sums, dim);
    const perLanguage = new Map<Lang, NpyWriter>();
    for (const l of languages) perLanguage.set(l, await open(files.languageSums[l]!, dim));
    const counts = await open(files.counts, 1 + languages.length);

    /** Embeds one batch of whole records and appends their rows; yields their docids in order. */
    async function* writeBatch(batch: GeneratedQueries[]): AsyncGenerator<string> {
      const kept = batch.map((record) =>
        (Object.entries(record.queries) as Array<[Lang, string[]]>).flatMap(([lang, texts]) =>
          (limit > 0 ? texts.slice(0, limit) : texts).map((text) => ({ lang, text })),
        ),
      );
      const texts = kept.flat().map((q) => q.text);
      const vectors = texts.length > 0 ? await embed(texts) : new Float32Array(0);
      if (!(vectors instanceof Float32Array) || vectors.length !== texts.length * dim) {
        throw new FusionError(
          `embed returned ${vectors instanceof Float32Array ? `${vectors.length} floats` : "no Float32Array"} for ${texts.length} queries of ${dim} dimensions`,
          { code: "shape-mismatch", field: "embed" },
        );
      }
      const owners = kept.flatMap((recordQueries, r) => recordQueries.map(() => batch[r]!.docid));
      checkFinite({ field: "embed" }, vectors, dim, 0, (row) => ` (a query of ${owners[row]})`);
      const sums = new Float32Array(batch.length * dim);
      const langSums = new Map(languages.map((l) => [l, new Float32Array(batch.length * dim)]));
      const countRows = new Float32Array(batch.length * (1 + languages.length));
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
      passages += batch.length;
      queries += texts.length;
      onProgress?.({ unit: "rows", task: "sum", done: passages, total: undefined });
      for (const record of batch) yield record.docid;
    }

    async function* docids(): AsyncGenerator<string> {
      let pending: GeneratedQueries[] = [];
      let pendingQueries = 0;
      for await (const record of records) {
        if (passages === 0 && pending.length === 0)
          checkRecord(record, { docid: "string", queries: "object" }, "sumQueries: generated queries");
        pending.push(record);
        for (const texts of Object.values(record.queries) as string[][])
          pendingQueries += limit > 0 ? Math.min(limit, texts.length) : texts.length;
        if (pendingQueries >= batchSize) {
          signal?.throwIfAborted();
          yield* writeBatch(pending);
          pending = [];
          pendingQueries = 0;
        }
      }
      signal?.throwIfAborted();
      if (pending.length > 0) yield* writeBatch(pending);
      // the ids file is renamed into place when this ends: the last chance to stop with nothing written
      signal?.throwIfAborted();
    }

    // the ids file pulls the records through: each docid is written once its row is
    await writeIds(files.ids, docids());
    idsWritten = true;
    for (const writer of writers) await writer.close();
    await writeQuerySumManifest(files, { passages, dimensions: dim, queries, languages });
  } catch (error) {
    for (const writer of writers) await writer.abort().catch(() => undefined);
    // past the ids, outputs may be in place already: all of them go, never a partial Σq
    if (idsWritten)
      await Promise.all(
        [files.ids, files.sums, files.counts, ...Object.values(files.languageSums)].map((path) =>
          rm(path, { force: true }),
        ),
      );
    throw error;
  }
  return files;
}
