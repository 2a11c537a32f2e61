import { rm } from "node:fs/promises";
import { checkOptions, IdTable, idsPath, type LongCallOptions, readIds, writeIds } from "@xqg/core";
import { createNpyWriter, type NpyReader, type NpyWriter, openNpy } from "@xqg/corpus";
import { checkPositiveInteger } from "./checks.js";
import { FusionError } from "./errors.js";
import { type QuerySumFiles, querySumFiles, readQuerySumManifest, writeQuerySumManifest } from "./files.js";

/** Options of {@link updateRows} and {@link updateQuerySums}. */
export interface UpdateRowsOptions extends LongCallOptions {
  /** The matrix computed before the corpus changed (`X.npy`, its ids in `X.ids`). */
  previous: string;
  /** The rows of the added and changed passages, any order (`R.npy`, its ids in `R.ids`). */
  rows: string;
  /** The passages of the new corpus, in its order: an ids sidecar's path, or the ids. */
  ids: string | Iterable<string> | AsyncIterable<string>;
  /** Where the new matrix goes (with its ids sidecar); may be `previous` itself. */
  out: string;
  /** Rows per block read and written (default 4,096). */
  batchSize?: number;
}

const OPTIONS = ["previous", "rows", "ids", "out", "batchSize", "onProgress", "signal"];
const BATCH = 4096;

/** What an update did: rows written, copied from `previous`, and taken from `rows`. */
export interface UpdateCounts {
  rows: number;
  copied: number;
  replaced: number;
}

/** Where each new row comes from: `source[i] ≥ 0` is a row of `previous`, `-(r + 1)` row `r` of `rows`. */
interface Plan extends UpdateCounts {
  ids: string[];
  source: Int32Array;
  /** Ids in `previous` and in `rows`: their row counts. */
  previousRows: number;
  freshRows: number;
}

async function idsOf(path: string, what: string): Promise<string[]> {
  try {
    return await readIds(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new FusionError(`${path} is missing: ${what} needs its ids sidecar`, {
        code: "missing-ids",
        file: path,
        cause: error,
      });
    throw error;
  }
}

function table(ids: readonly string[], file: string): IdTable {
  try {
    return IdTable.from(ids);
  } catch (error) {
    throw new FusionError(`${file}: ${(error as Error).message}`, { code: "id-order", file, cause: error });
  }
}

async function plan(options: UpdateRowsOptions): Promise<Plan> {
  const previousIds = await idsOf(idsPath(options.previous), "previous");
  const rowIds = await idsOf(idsPath(options.rows), "rows");
  const ids: string[] = [];
  if (typeof options.ids === "string") ids.push(...(await idsOf(options.ids, "ids")));
  else for await (const id of options.ids) ids.push(id);
  const idsFile = typeof options.ids === "string" ? options.ids : "ids";
  const before = table(previousIds, idsPath(options.previous));
  const fresh = table(rowIds, idsPath(options.rows));
  const used = new Uint8Array(rowIds.length);
  const source = new Int32Array(ids.length);
  let replaced = 0;
  const seen = new IdTable();
  for (const [i, id] of ids.entries()) {
    const earlier = seen.add(id);
    if (earlier >= 0)
      throw new FusionError(`${idsFile}: id ${JSON.stringify(id)} at positions ${earlier + 1} and ${i + 1}`, {
        code: "id-order",
        file: idsFile,
        line: typeof options.ids === "string" ? i + 1 : undefined,
      });
    const r = fresh.indexOf(id);
    if (r >= 0) {
      source[i] = -(r + 1);
      used[r] = 1;
      replaced++;
      continue;
    }
    const p = before.indexOf(id);
    if (p < 0)
      throw new FusionError(
        `${idsFile}: id ${JSON.stringify(id)} (position ${i + 1}) is neither in ${idsPath(options.rows)} nor in ${idsPath(options.previous)}: its row must be computed`,
        { code: "missing-ids", file: idsFile, line: typeof options.ids === "string" ? i + 1 : undefined },
      );
    source[i] = p;
  }
  const unused = used.indexOf(0);
  if (unused >= 0)
    throw new FusionError(
      `${idsPath(options.rows)}: id ${JSON.stringify(rowIds[unused])} (line ${unused + 1}) is not in the new ids`,
      { code: "id-order", file: idsPath(options.rows), line: unused + 1 },
    );
  return {
    ids,
    source,
    rows: ids.length,
    copied: ids.length - replaced,
    replaced,
    previousRows: previousIds.length,
    freshRows: rowIds.length,
  };
}

/** Opens a matrix pair and checks it against the ids that name its rows. */
async function openPair(previous: string, rows: string, counts: { previous: number; rows: number }) {
  const opened: NpyReader[] = [];
  try {
    for (const path of [previous, rows]) opened.push(await openNpy(path, { checkFinite: false }));
    const [a, b] = opened as [NpyReader, NpyReader];
    for (const [r, expected] of [
      [a, counts.previous],
      [b, counts.rows],
    ] as const)
      if (r.rows !== expected)
        throw new FusionError(`row count mismatch: ${r.path} has ${r.rows} rows but its ids ${expected}`, {
          code: "shape-mismatch",
          file: r.path,
        });
    if (a.dimensions !== b.dimensions)
      throw new FusionError(
        `dimension mismatch: ${a.path} has ${a.dimensions} dimensions but ${b.path} has ${b.dimensions}`,
        { code: "shape-mismatch", file: b.path },
      );
    return { previous: a, rows: b };
  } catch (error) {
    await Promise.all(opened.map((r) => r.close()));
    throw error;
  }
}

/** Writes the rows of the new order, block by block; runs of consecutive source rows are read at once. */
async function copyRows(
  inputs: { previous: NpyReader; rows: NpyReader },
  source: Int32Array,
  writer: NpyWriter,
  batchSize: number,
  options: LongCallOptions,
  task: string,
): Promise<void> {
  const dim = inputs.previous.dimensions;
  const total = source.length;
  // two blocks: one is written while the next is read
  const buffers = [0, 1].map(() => new Float32Array(Math.min(batchSize, Math.max(total, 1)) * dim));
  let writing: Promise<void> | undefined;
  try {
    for (let start = 0, turn = 0; start < total; start += batchSize, turn ^= 1) {
      options.signal?.throwIfAborted();
      const end = Math.min(total, start + batchSize);
      const out = buffers[turn]!;
      for (let i = start; i < end; ) {
        const s = source[i]!;
        let j = i + 1;
        while (j < end && source[j] === s + (s >= 0 ? j - i : -(j - i))) j++;
        const reader = s >= 0 ? inputs.previous : inputs.rows;
        // straight into the block (rows are read as float32, converted from float16 where stored so)
        await reader.read(s >= 0 ? s : -s - 1, j - i, out.subarray((i - start) * dim));
        i = j;
      }
      await writing;
      writing = writer.append(out.subarray(0, (end - start) * dim));
      writing.catch(() => {}); // awaited on the next turn or below
      options.onProgress?.({ unit: "rows", task, done: end, total });
    }
    await writing;
  } catch (error) {
    await writing?.catch(() => {});
    throw error;
  }
}

/**
 * Runs `write` over writers it creates, then closes them all (each renames its temp file into place); on an
 * error or an abort none of the outputs is left, including those already renamed.
 */
async function allOrNone(
  outputs: Array<{ path: string; dimensions: number; dtype: NpyReader["dtype"] }>,
  write: (writers: NpyWriter[]) => Promise<void>,
  after: (committed: string[]) => Promise<void>,
): Promise<void> {
  const writers: NpyWriter[] = [];
  const committed: string[] = [];
  try {
    for (const { path, dimensions, dtype } of outputs)
      writers.push(await createNpyWriter(path, { dimensions, dtype, checkFinite: false }));
    await write(writers);
    for (const [i, writer] of writers.entries()) {
      await writer.close();
      committed.push(outputs[i]!.path);
    }
    await after(committed);
  } catch (error) {
    await Promise.all(writers.map((w) => w.abort().catch(() => {})));
    await Promise.all(committed.map((path) => rm(path, { force: true })));
    throw error;
  }
}

function checkUpdate(options: UpdateRowsOptions, call: string): number {
  if (typeof options !== "object" || options === null)
    throw new FusionError(`${call}: options must be an object`, { code: "invalid-option" });
  checkOptions(options, OPTIONS, call);
  for (const field of ["previous", "rows", "out"] as const)
    if (typeof options[field] !== "string")
      throw new FusionError(`${call}: ${field} must be a path`, { code: "invalid-option", field });
  return options.batchSize === undefined ? BATCH : checkPositiveInteger(options.batchSize, "batchSize");
}

/**
 * The matrix of a changed corpus from the one computed before it changed (`previous`, e.g. a fused matrix or
 * passage embeddings) and the rows computed for the added and changed passages only (`rows`): for each id of the
 * new order, its row in `rows` if there, else its row in `previous` (an id in neither is an error, and so is a
 * row of `rows` the new order does not name). Rows are copied as stored, so the result is byte for byte the
 * matrix computed from scratch, whenever each row depends only on its passage (fusion, Σq, encoding).
 * Written with its ids sidecar through a temp file and a rename; the dtype is `previous`'s. Memory: the three
 * id lists (about 64 bytes per id, @xqg/core's IdTable) and one block.
 */
export async function updateRows(options: UpdateRowsOptions): Promise<UpdateCounts> {
  const batchSize = checkUpdate(options, "updateRows");
  options.signal?.throwIfAborted();
  const rows = await plan(options);
  const inputs = await openPair(options.previous, options.rows, {
    previous: rows.previousRows,
    rows: rows.freshRows,
  });
  try {
    const { dimensions, dtype } = inputs.previous;
    await allOrNone(
      [{ path: options.out, dimensions, dtype }],
      ([writer]) => copyRows(inputs, rows.source, writer!, batchSize, options, "update"),
      async (committed) => {
        await writeIds(idsPath(options.out), rows.ids);
        committed.push(idsPath(options.out));
      },
    );
  } finally {
    await Promise.all([inputs.previous.close(), inputs.rows.close()]);
  }
  return { rows: rows.rows, copied: rows.copied, replaced: rows.replaced };
}

/**
 * `updateRows` for a Σq matrix and the files beside it: the sums (and ids), the query counts, each language's
 * sums and the description (its passage and query totals recounted). `rows` is the Σq of the added and changed
 * passages' generated queries (`sumQueries` over their records), with the same dimensions and languages.
 */
export async function updateQuerySums(
  options: UpdateRowsOptions,
): Promise<UpdateCounts & { files: QuerySumFiles }> {
  const batchSize = checkUpdate(options, "updateQuerySums");
  options.signal?.throwIfAborted();
  const before = await readQuerySumManifest(querySumFiles(options.previous).manifest);
  const fresh = await readQuerySumManifest(querySumFiles(options.rows).manifest);
  if (before.dimensions !== fresh.dimensions || before.languages.join(",") !== fresh.languages.join(","))
    throw new FusionError(
      `${options.rows}: ${fresh.dimensions} dimensions with languages [${fresh.languages.join(", ")}], but ${options.previous} has ${before.dimensions} with [${before.languages.join(", ")}]`,
      { code: "shape-mismatch", file: options.rows },
    );
  const rows = await plan(options);
  const languages = before.languages;
  const [a, b, out] = [options.previous, options.rows, options.out].map((path) =>
    querySumFiles(path, languages),
  );
  const pairs = [
    [a!.sums, b!.sums, out!.sums],
    [a!.counts, b!.counts, out!.counts],
    ...languages.map((l) => [a!.languageSums[l]!, b!.languageSums[l]!, out!.languageSums[l]!]),
  ] as Array<[string, string, string]>;
  const opened: Array<{ previous: NpyReader; rows: NpyReader }> = [];
  try {
    for (const [previous, rowsFile] of pairs)
      opened.push(await openPair(previous, rowsFile, { previous: rows.previousRows, rows: rows.freshRows }));
    let queries = 0;
    await allOrNone(
      pairs.map(([, , path], i) => ({
        path,
        dimensions: opened[i]!.previous.dimensions,
        dtype: opened[i]!.previous.dtype,
      })),
      async (writers) => {
        for (const [i, writer] of writers.entries())
          await copyRows(opened[i]!, rows.source, writer, batchSize, options, "update");
      },
      async (committed) => {
        await writeIds(out!.ids, rows.ids);
        committed.push(out!.ids);
        // the query total, recounted from the new counts' first column (whole numbers: exact in float64)
        const counts = await openNpy(out!.counts);
        try {
          for await (const { rows: block } of counts.blocks({ batchSize }))
            for (let r = 0; r < block.length; r += counts.dimensions) queries += block[r]!;
        } finally {
          await counts.close();
        }
        await writeQuerySumManifest(out!, {
          passages: rows.rows,
          dimensions: before.dimensions,
          queries,
          languages,
        });
      },
    );
  } finally {
    await Promise.all(opened.flatMap((pair) => [pair.previous.close(), pair.rows.close()]));
  }
  return { rows: rows.rows, copied: rows.copied, replaced: rows.replaced, files: out! };
}
