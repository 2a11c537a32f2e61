import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import {
  AnnError,
  exactSearch,
  Index,
  loadRankedRows,
  mergeRankedRows,
  type RankedRows,
  saveRankedRows,
} from "@xqg/ann";
import { IdTable, idsPath, type ProgressEvent, type Run, readIds, streamIds } from "@xqg/core";
import { type NpyReader, openNpy, type RunFormat, shard, writeRun } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { IndexSettings, SearchSettings } from "../settings/stages.js";
import type { ShardPart } from "../shard.js";
import type { StageEnv } from "./common.js";

export type SearchTarget =
  | { readonly kind: "exact"; readonly embeddings: string; readonly metric: IndexSettings["metric"] }
  | {
      readonly kind: "index";
      readonly index: string;
      /** HNSW expansion while searching (0: usearch's default); not stored in the index file, so set here. */
      readonly expansionSearch: number;
    };

/** The io of a search: `out` "-" writes the run to standard output (no manifest), in `format` (default TREC). */
export interface SearchIo {
  target: SearchTarget;
  queries: string;
  out: string;
  /** The run's format (default: the one `out`'s extension names, else TREC). */
  format?: RunFormat | undefined;
  tag: string;
  manifest: string;
}

/**
 * Ranks passages for every query embedding and writes the run (`tag` names the system) in the format `io.format`
 * or `io.out`'s extension names: `.trec`, `.run`, `.res`, `.txt` TREC, `.tsv` Tevatron (what `xqg evaluate`
 * reads back as such); another name TREC. `"-"` writes to `stdout`.
 */
export async function searchStage(
  env: StageEnv,
  io: SearchIo,
  settings: SearchSettings,
  stdout?: NodeJS.WritableStream,
) {
  const target = io.target;
  const format = runFormatOf(io.out, io.format);
  const search = async (): Promise<Run> => {
    const queryIds = await readIds(idsPath(io.queries));
    const queries = await openNpy(io.queries);
    try {
      return target.kind === "exact"
        ? await searchExact(env, target, queries, queryIds, settings.depth)
        : await searchIndex(env, target, queries, queryIds, settings);
    } finally {
      await queries.close();
    }
  };
  if (io.out === "-") {
    const run = await search();
    await writeToStream(run, format, io.tag, stdout ?? process.stdout);
    return "ran" as const;
  }
  const inputs: Record<string, string> =
    target.kind === "exact"
      ? { embeddings: target.embeddings, ids: idsPath(target.embeddings) }
      : { index: target.index };
  return runStage(
    env,
    {
      stage: "search",
      manifest: io.manifest,
      inputs: { ...inputs, queries: io.queries, queryIds: idsPath(io.queries) },
      params: {
        depth: settings.depth,
        tag: io.tag,
        ...(format === "trec" ? {} : { format }),
        ...(target.kind === "exact"
          ? { metric: target.metric }
          : { expansionSearch: target.expansionSearch }),
      },
      packages: ["@xqg/corpus", "@xqg/ann"],
      outputs: [io.out],
    },
    async (staged) => {
      await writeHits(staged(io.out), await search(), io.tag, format);
    },
  );
}

/** The run formats a search writes by extension (as @xqg/corpus' `writeRun` picks them); others are TREC. */
const SEARCH_FORMATS: Readonly<Record<string, RunFormat>> = {
  ".trec": "trec",
  ".run": "trec",
  ".res": "trec",
  ".txt": "trec",
  ".tsv": "tevatron",
  ".json": "xor",
};

/** The format a search writes `out` in; XOR submissions need passage texts, which a search does not have. */
export function runFormatOf(out: string, format: RunFormat | undefined): RunFormat {
  const chosen = format ?? SEARCH_FORMATS[extname(out.replace(/\.gz$/i, "")).toLowerCase()] ?? "trec";
  if (chosen === "xor")
    throw new UserError(
      `search: ${out}: an XOR submission holds passage texts, which a search does not have; write a TREC or TSV run (--run-format trec, tevatron or msmarco)`,
    );
  return chosen;
}

/**
 * The run as a TREC run, one line per (query, rank) (or the TSV formats): queries as the queries matrix holds
 * them, each query's docids in trec_eval's order (score descending, ties by docid descending).
 */
async function writeHits(out: string, run: Run, tag: string, format: RunFormat = "trec") {
  await writeRun(out, run, { format, tag });
}

/** Writes the run to a stream (standard output), through a temporary file written as a run file is. */
async function writeToStream(run: Run, format: RunFormat, tag: string, stream: NodeJS.WritableStream) {
  const dir = await mkdtemp(join(tmpdir(), "xqg-run-"));
  try {
    const file = join(dir, "run");
    await writeHits(file, run, tag, format);
    stream.write(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Feeds a long call's running totals (`done`) to a progress line, which counts increments. */
function ticking(progress: { tick(n: number): void }): (event: ProgressEvent) => void {
  let last = 0;
  return (event) => {
    progress.tick(event.done - last);
    last = event.done;
  };
}

/**
 * Exact search of one row range of the passage matrix (range `index` of `count`, split as shards are): the
 * `depth` best rows of the range for every query, numbered in the whole matrix, one JSON line per query
 * (`{"rows": [...], "scores": [...]}`, scores the float32 values exactly). `mergeSearchStage` joins the ranges.
 */
export async function searchRangeStage(
  env: StageEnv,
  io: {
    embeddings: string;
    metric: IndexSettings["metric"];
    range: ShardPart;
    queries: string;
    out: string;
    manifest: string;
  },
  settings: SearchSettings,
) {
  return runStage(
    env,
    {
      stage: "search",
      manifest: io.manifest,
      inputs: { embeddings: io.embeddings, queries: io.queries },
      params: { depth: settings.depth, metric: io.metric, rows: io.range },
      packages: ["@xqg/corpus", "@xqg/ann"],
      outputs: [io.out],
    },
    async (staged) => {
      const [queries, passages] = [await openNpy(io.queries), await openNpy(io.embeddings)];
      try {
        checkDimension(queries, passages.dimensions);
        const { start, end } = shard({ index: io.range.index, count: io.range.count, total: passages.rows });
        const progress = env.log.progress(`search rows ${start}–${end}`, end - start, "passages");
        let found: RankedRows[];
        try {
          found = await exactSearch(
            await queries.read(0, queries.rows),
            passages.blocks({ batchSize: EXACT_BLOCK_ROWS, start, end }),
            {
              rows: { start, end },
              depth: settings.depth,
              metric: io.metric,
              dimensions: passages.dimensions,
              threads: env.threads,
              onProgress: ticking(progress),
              signal: env.signal,
            },
          );
        } finally {
          progress.done();
        }
        await saveRankedRows(staged(io.out), found);
      } finally {
        await Promise.all([queries.close(), passages.close()]);
      }
    },
  );
}

/** Joins the row ranges' best rows into one top-`depth` per query and writes the TREC run `searchStage` would. */
export async function mergeSearchStage(
  env: StageEnv,
  io: {
    parts: readonly string[];
    embeddings: string;
    queries: string;
    out: string;
    tag: string;
    manifest: string;
  },
  settings: SearchSettings,
) {
  const inputs: Record<string, string> = { ids: idsPath(io.embeddings), queryIds: idsPath(io.queries) };
  io.parts.forEach((part, i) => {
    inputs[`part${i}`] = part;
  });
  return runStage(
    env,
    {
      stage: "search",
      manifest: io.manifest,
      inputs,
      params: { depth: settings.depth, tag: io.tag, parts: io.parts.length },
      packages: ["@xqg/corpus", "@xqg/ann"],
      outputs: [io.out],
    },
    async (staged) => {
      const queryIds = await readIds(idsPath(io.queries));
      const parts: RankedRows[][] = [];
      for (const part of io.parts) parts.push(await readRankedRows(part, queryIds.length));
      const merged = mergeRankedRows(parts, settings.depth);
      const docids = await docidsOf(
        idsPath(io.embeddings),
        merged.flatMap((r) => r.rows),
      );
      const run: Run = new Map(
        merged.map((r, q) => [
          queryIds[q]!,
          new Map(r.rows.map((row, i) => [docids.get(row)!, r.scores[i]!])),
        ]),
      );
      await writeHits(staged(io.out), run, io.tag, runFormatOf(io.out, undefined));
    },
  );
}

/**
 * The docids of `rows`, streamed from the ids sidecar: memory grows with the rows retrieved (queries × depth),
 * not with the 18M ids of a paper-scale corpus.
 */
async function docidsOf(path: string, rows: readonly number[]): Promise<Map<number, string>> {
  const docids = new Map<number, string>(rows.map((row) => [row, ""]));
  let row = 0;
  for await (const id of streamIds(path)) {
    if (docids.has(row)) docids.set(row, id);
    row++;
  }
  const past = rows.find((r) => r >= row);
  if (past !== undefined)
    throw new UserError(`${path}: ${row} ids, but the search ranges found row ${past}; rerun with --force`);
  return docids;
}

/** A row range's result as `searchRangeStage` wrote it; a damaged or stale one says to rerun. */
async function readRankedRows(path: string, queries: number): Promise<RankedRows[]> {
  try {
    return await loadRankedRows(path, { queries });
  } catch (error) {
    if (error instanceof AnnError)
      throw new UserError(`${error.message}; rerun with --force`, { cause: error });
    throw error;
  }
}

/**
 * Passage rows per block of the streamed exact search: 64Ki rows of 768 float32 are 192 MiB whatever the
 * corpus size (the whole matrix is never loaded); 0.95× the in-memory speed at 200k rows (BENCHMARKS.md).
 */
const EXACT_BLOCK_ROWS = 65_536;

/** One pass over the passage matrix for all queries, keeping a running top-k per query. */
async function searchExact(
  env: StageEnv,
  target: Extract<SearchTarget, { kind: "exact" }>,
  queries: NpyReader,
  queryIds: readonly string[],
  depth: number,
): Promise<Run> {
  const passages = await openNpy(target.embeddings);
  try {
    const ids = await readIds(idsPath(target.embeddings));
    if (ids.length !== passages.rows) {
      throw new UserError(`${idsPath(target.embeddings)}: ${ids.length} ids for ${passages.rows} rows`);
    }
    refuseRepeatedIds(idsPath(target.embeddings), ids);
    checkDimension(queries, passages.dimensions);
    const progress = env.log.progress("search", passages.rows, "passages");
    try {
      return await exactSearch(
        await queries.read(0, queries.rows),
        passages.blocks({ batchSize: EXACT_BLOCK_ROWS }),
        {
          depth,
          ids,
          queryIds,
          metric: target.metric,
          dimensions: passages.dimensions,
          threads: env.threads,
          onProgress: ticking(progress),
          signal: env.signal,
        },
      );
    } finally {
      progress.done();
    }
  } finally {
    await passages.close();
  }
}

/** The queries `settings.batchSize` at a time through the index's batched search. */
async function searchIndex(
  env: StageEnv,
  target: Extract<SearchTarget, { kind: "index" }>,
  queries: NpyReader,
  queryIds: readonly string[],
  settings: SearchSettings,
): Promise<Run> {
  const index = await Index.view(
    target.index,
    target.expansionSearch ? { expansionSearch: target.expansionSearch } : {},
  );
  checkDimension(queries, index.dimensions);
  const progress = env.log.progress("search", queries.rows, "queries");
  try {
    return await index.searchBatch(await queries.read(0, queries.rows), settings.depth, {
      queryIds,
      batchSize: settings.batchSize,
      threads: env.threads,
      onProgress: ticking(progress),
      signal: env.signal,
    });
  } finally {
    progress.done();
  }
}

/** An ids sidecar that repeats an id would rank that docid twice per query: refused, as `xqg index` refuses it. */
function refuseRepeatedIds(path: string, ids: readonly string[]): void {
  // an IdTable, not a Map: a V8 Map stops at 2^24 (16.8M) entries, fewer than an 18M-passage corpus has
  const seen = new IdTable();
  for (let i = 0; i < ids.length; i++) {
    const earlier = seen.add(ids[i]!);
    if (earlier >= 0)
      throw new UserError(
        `${path}: id ${JSON.stringify(ids[i])} at positions ${earlier} and ${i} (0-based rows): a passage id must be unique (a run cannot rank one document twice)`,
      );
  }
}

function checkDimension(queries: NpyReader, dimensions: number): void {
  if (queries.dimensions !== dimensions) {
    throw new UserError(
      `${queries.path}: query dimension ${queries.dimensions} differs from the passages' ${dimensions}`,
    );
  }
}
