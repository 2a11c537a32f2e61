import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { idsPath, type LongCallOptions, streamIds, writeIds } from "@xqg/core";
import {
  createNpyWriter,
  type Lang,
  type NpyDtype,
  type NpyReader,
  type NpyWriter,
  openNpy,
} from "@xqg/corpus";
import { augmentInto, resolveAugment } from "./augment.js";
import { checkFinite } from "./checks.js";
import type { Reduce } from "./defaults.js";
import { FusionError } from "./errors.js";
import { type QuerySumManifest, querySumFiles, readQuerySumManifest } from "./files.js";
import { MixArena } from "./kernel/mix.js";
import { combineLanguages, type LanguageSelection, resolveSelection } from "./languages.js";

/** What `fuse` resolved from the options of a call on files. */
export interface FilesSettings extends LanguageSelection, LongCallOptions {
  passages: string;
  sums: string;
  /** Every α, checked, and where each one's matrix goes (all different). */
  alphas: readonly number[];
  paths: readonly string[];
  reduce: Reduce;
  renormalize: boolean;
  batchSize: number;
  dtype?: NpyDtype | undefined;
}

/**
 * One augmented matrix per α, from a single pass over P and S in blocks of `batchSize` rows; each output gets
 * P's ids sidecar. Written through temp files: an error or an abort leaves none of the outputs.
 */
export async function fuseFiles(
  options: FilesSettings,
): Promise<Array<{ alpha: number; path: string; rows: number }>> {
  const { alphas, paths, batchSize, signal, onProgress } = options;
  signal?.throwIfAborted();
  const inputs = await openInputs(options);
  const writers: NpyWriter[] = [];
  const committed: string[] = [];
  let next: Promise<unknown> | undefined;
  try {
    const { p, dim, rows } = inputs;
    await checkIdOrder(options.passages, options.sums);
    // Every output block is checked below (a FusionError naming α); the writers need not check again.
    for (const path of paths)
      writers.push(
        await createNpyWriter(path, { dimensions: dim, dtype: options.dtype ?? p.dtype, checkFinite: false }),
      );
    const needCounts = options.reduce === "mean";
    // Double buffering: the next block is read and the previous one written while this one is computed.
    // Every buffer is reused and lives in the SIMD kernel's memory: blocks read straight into it, summed in
    // place and written from it, small enough to stay in cache from the read to the write.
    const blockValues = Math.min(batchSize, rows) * dim;
    const { arena, buffers } = blockBuffers(4 + 2 * alphas.length, blockValues);
    const inputBuffers = [0, 1].map((turn) => ({ p: buffers[2 * turn]!, s: buffers[2 * turn + 1]! }));
    const read = async (start: number, turn: number) => {
      const count = Math.min(batchSize, rows - start);
      const into = inputBuffers[turn]!;
      const [pBlock, sBlock] = await Promise.all([
        p.read(start, count, into.p),
        inputs.sumBlock(start, count, needCounts, into.s),
      ]);
      return { count, pBlock, ...sBlock };
    };
    const outBuffers = alphas.map((_, i) => [buffers[4 + 2 * i]!, buffers[5 + 2 * i]!]);
    const pending: Array<Promise<void> | undefined> = alphas.map(() => undefined);
    let reading = rows > 0 ? read(0, 0) : undefined;
    next = reading;
    for (let start = 0, turn = 0; reading; start += batchSize, turn ^= 1) {
      const { count, pBlock, sum, counts } = await reading;
      signal?.throwIfAborted();
      reading = start + batchSize < rows ? read(start + batchSize, turn ^ 1) : undefined;
      next = reading;
      for (const [i, alpha] of alphas.entries()) {
        const settings = resolveAugment({ ...options, dimensions: dim, alpha, counts }, count);
        const out = outBuffers[i]![turn]!.subarray(0, pBlock.length);
        // The kernel flags a NaN or ±Infinity in the output, which any in P or Σq causes: then find which.
        if (augmentInto(out, pBlock, sum, settings, 0, arena)) {
          await inputs.checkFinite(start, count);
          checkFinite({ file: paths[i]! }, out, dim, start, ` (overflow at α = ${alpha})`);
        }
        await pending[i];
        const appended = writers[i]!.append(out);
        appended.catch(() => {}); // awaited on the next turn; do not let it count as unhandled meanwhile
        pending[i] = appended;
      }
      onProgress?.({ unit: "rows", task: "fuse", done: start + count, total: rows });
    }
    await Promise.all(pending);
    signal?.throwIfAborted();
    const pIds = idsPath(options.passages);
    const results = [];
    for (const [i, w] of writers.entries()) {
      const { rows: written } = await w.close();
      committed.push(paths[i]!);
      if (existsSync(pIds)) {
        await writeIds(idsPath(paths[i]!), streamIds(pIds));
        committed.push(idsPath(paths[i]!));
      }
      results.push({ alpha: alphas[i]!, path: paths[i]!, rows: written });
    }
    return results;
  } catch (error) {
    await Promise.all(writers.map((w) => w.abort().catch(() => {})));
    // an output renamed into place before a later one failed goes too: all of them or none
    await Promise.all(committed.map((path) => rm(path, { force: true })));
    await next?.catch(() => {}); // a block read still in flight finishes before its file closes
    throw error;
  } finally {
    await inputs.close();
  }
}

/** `count` block buffers in one kernel arena, or plain arrays when they are too large for WebAssembly memory. */
function blockBuffers(count: number, values: number): { arena?: MixArena; buffers: readonly Float32Array[] } {
  try {
    const arena = new MixArena(count, values);
    return { arena, buffers: arena.buffers };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { buffers: Array.from({ length: count }, () => new Float32Array(values)) };
  }
}

interface Inputs {
  p: NpyReader;
  dim: number;
  rows: number;
  sumBlock(
    start: number,
    count: number,
    withCounts: boolean,
    into: Float32Array,
  ): Promise<{ sum: Float32Array; counts: Uint32Array | undefined }>;
  /** Reads rows `start …` of every input again and throws a FusionError at the first NaN or ±Infinity. */
  checkFinite(start: number, count: number): Promise<void>;
  close(): Promise<void>;
}

async function openInputs(options: FilesSettings): Promise<Inputs> {
  const opened: NpyReader[] = [];
  // Read unchecked: the kernel's test of the output covers the inputs (`checkFinite` below finds the culprit).
  const open = async (path: string) => {
    const r = await openNpy(path, { checkFinite: false });
    opened.push(r);
    return r;
  };
  try {
    const p = await open(options.passages);
    const files = querySumFiles(options.sums);
    const selecting = options.languages !== undefined || options.weights !== undefined;
    let langs: Array<{ lang: Lang; weight: number }> = [];
    const langReaders = new Map<Lang, NpyReader>();
    let manifest: QuerySumManifest | undefined;
    if (selecting || options.reduce === "mean") manifest = await readQuerySumManifest(files.manifest);
    if (selecting) {
      langs = resolveSelection(options, manifest!.languages);
      const perLang = querySumFiles(options.sums, manifest!.languages).languageSums;
      for (const { lang } of langs) langReaders.set(lang, await open(perLang[lang]!));
    }
    const s = selecting ? undefined : await open(options.sums);
    const counts = options.reduce === "mean" ? await open(files.counts) : undefined;
    for (const r of [s, ...langReaders.values(), counts]) {
      if (!r) continue;
      if (r.rows !== p.rows)
        throw new FusionError(
          `row count mismatch: ${p.path} has ${p.rows} rows but ${r.path} has ${r.rows}`,
          {
            code: "shape-mismatch",
            file: r.path,
          },
        );
      if (r !== counts && r.dimensions !== p.dimensions)
        throw new FusionError(
          `dimension mismatch: ${p.path} has ${p.dimensions} dimensions but ${r.path} has ${r.dimensions}`,
          { code: "shape-mismatch", file: r.path },
        );
    }
    const columns = manifest ? 1 + manifest.languages.length : 1;
    return {
      p,
      dim: p.dimensions,
      rows: p.rows,
      async sumBlock(start, count, withCounts, into) {
        const countBlock = withCounts && counts ? await counts.read(start, count) : undefined;
        // a NaN count would read as 0 (no queries) and go unnoticed by the output's test
        if (countBlock) checkFinite({ file: counts!.path }, countBlock, columns, start);
        if (s) {
          const sum = await s.read(start, count, into);
          return { sum, counts: countBlock ? column(countBlock, columns, 0, count) : undefined };
        }
        const sums: Partial<Record<Lang, Float32Array>> = {};
        const perLangCounts: Partial<Record<Lang, Uint32Array>> = {};
        for (const { lang } of langs) {
          sums[lang] = await langReaders.get(lang)!.read(start, count);
          if (countBlock)
            perLangCounts[lang] = column(countBlock, columns, 1 + manifest!.languages.indexOf(lang), count);
        }
        return combineLanguages(sums, { ...options, ...(countBlock ? { counts: perLangCounts } : {}) });
      },
      async checkFinite(start, count) {
        for (const r of opened)
          checkFinite({ file: r.path }, await r.read(start, count), r.dimensions, start);
      },
      close: async () => {
        await Promise.all(opened.map((r) => r.close()));
      },
    };
  } catch (error) {
    await Promise.all(opened.map((r) => r.close()));
    throw error;
  }
}

function column(block: Float32Array, columns: number, c: number, rows: number): Uint32Array {
  return Uint32Array.from({ length: rows }, (_, i) => block[i * columns + c]!);
}

/** The official code asserts that P and S list the same docids in the same order; so do we, streaming. */
async function checkIdOrder(passages: string, sums: string): Promise<void> {
  const [a, b] = [idsPath(passages), idsPath(sums)];
  const [hasA, hasB] = [existsSync(a), existsSync(b)];
  if (!hasA && !hasB) return;
  if (hasA !== hasB)
    throw new FusionError(
      `${hasA ? a : b} exists but ${hasA ? b : a} does not: cannot check that P and S rows are the same passages`,
      { code: "missing-ids", file: hasA ? b : a },
    );
  const left = streamIds(a);
  const right = streamIds(b);
  try {
    for (let row = 0; ; row++) {
      const [x, y] = await Promise.all([left.next(), right.next()]);
      if (x.done && y.done) return;
      if (x.done || y.done || x.value !== y.value) {
        const show = (r: IteratorResult<string>) =>
          r.done ? "nothing (file ended)" : JSON.stringify(r.value);
        throw new FusionError(
          `id order mismatch at row ${row}: ${a} has ${show(x)} but ${b} has ${show(y)}`,
          { code: "id-order", file: b },
        );
      }
    }
  } finally {
    // Close both files whether the check passed, failed or a sidecar was bad.
    await Promise.allSettled([left.return(undefined), right.return(undefined)]);
  }
}
