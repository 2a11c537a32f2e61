import { cpus } from "node:os";
import { checkOptions, type LongCallOptions, type Run } from "@xqg/core";
import {
  checkDepth,
  checkDimensions,
  checkFinite,
  checkIdText,
  checkOptionalCount,
  checkThreads,
  checkVector,
  rowsOf,
} from "./checks.js";
import { checkDtype, DTYPES, type Dtype } from "./dtype.js";
import { AnnError } from "./errors.js";
import { wholeBuffer } from "./exact.js";
import { nextTurn } from "./exact-rows.js";
import {
  checkIndexHeader,
  commitFiles,
  type IndexManifest,
  idsSidecar,
  manifestSidecar,
  readIdsFile,
  readManifest,
  writeIdsFile,
  writeJsonFile,
} from "./files.js";
import { IdMap } from "./id-map.js";
import { checkMetric, METRICS, type Metric, scoresFromDistances } from "./metric.js";
import { checkBatchSize, checkQueryIds } from "./search.js";
import { type BatchMatches, Index as UsearchIndex } from "./usearch.js";

/** Defaults follow the paper's faiss flat inner-product search (usearch itself defaults to cosine). */
export const INDEX_DEFAULTS = {
  metric: "ip",
  dtype: "float32",
  /** 0 lets usearch choose (16 neighbours per node, expansion 128 when adding, 64 when searching). */
  connectivity: 0,
  expansionAdd: 0,
  expansionSearch: 0,
  /** Rebuild an updated index once this share of the vectors it has held were removed or replaced. */
  rebuildShare: 0.2,
} as const;

export interface IndexOptions {
  dimensions: number;
  metric?: Metric;
  dtype?: Dtype;
  /** HNSW graph degree (M). */
  connectivity?: number;
  /** Candidate list size while building (efConstruction). */
  expansionAdd?: number;
  /** Candidate list size while searching (ef); search uses max(expansionSearch, k). */
  expansionSearch?: number;
}

/** Knobs that may differ between the process that built an index and the one that opens it. */
export interface OpenOptions {
  expansionSearch?: number;
  expansionAdd?: number;
}

/** Options of `add`: a long call, in batches of `batchSize` vectors. */
export interface AddOptions extends LongCallOptions {
  /** Worker threads; 0 (default) lets usearch use every core. */
  threads?: number | undefined;
  /** Vectors per native call, between which progress is reported and an abort lands (default 65,536). */
  batchSize?: number | undefined;
}

/** Options of `searchBatch`: a long call, in batches of `batchSize` queries. */
export interface SearchBatchOptions extends LongCallOptions {
  /** The id of each query row (distinct); default: the row number. */
  queryIds?: readonly string[] | undefined;
  /** Worker threads; 0 (default) lets usearch use every core. */
  threads?: number | undefined;
  /** Queries per native call (default 256). */
  batchSize?: number | undefined;
}

const ADD_OPTIONS = ["threads", "batchSize", "onProgress", "signal"];
const SEARCH_OPTIONS = ["queryIds", "threads", "batchSize", "onProgress", "signal"];
const INDEX_OPTIONS = ["dimensions", "metric", "dtype", "connectivity", "expansionAdd", "expansionSearch"];
const OPEN_OPTIONS = ["expansionAdd", "expansionSearch"];

/** A search's settings unless told otherwise: exact, as the paper, 100 passages per query. */
export const SEARCH_DEFAULTS = {
  indexType: "exact",
  /** Passages retrieved per query. */
  depth: 100,
  /** Queries per batch sent to the index. */
  batchSize: 256,
} as const;

/** How passages are searched, by name. */
export const INDEX_TYPES = {
  exact: "exact flat search over the embedding matrix (the paper's faiss flat); no index to build",
  hnsw: "a usearch HNSW graph (approximate; stored as float32, float16 or int8)",
} as const;
export type IndexType = keyof typeof INDEX_TYPES;

const ADD_BATCH = 65_536;

/** The largest HNSW connectivity taken: usearch reserves its neighbour lists up front (1e8 fails to allocate). */
export const MAX_CONNECTIVITY = 1024;

interface Resolved {
  dimensions: number;
  metric: Metric;
  dtype: Dtype;
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
}

function resolve(options: IndexOptions): Resolved {
  if (typeof options !== "object" || options === null)
    throw new AnnError("Index options must be an object with at least { dimensions }", {
      code: "invalid-option",
    });
  checkOptions(options, INDEX_OPTIONS, "Index.create");
  return {
    dimensions: checkDimensions(options.dimensions),
    metric: checkMetric(options.metric ?? INDEX_DEFAULTS.metric),
    dtype: checkDtype(options.dtype ?? INDEX_DEFAULTS.dtype),
    connectivity: checkOptionalCount("connectivity", options.connectivity, MAX_CONNECTIVITY),
    expansionAdd: checkOptionalCount("expansionAdd", options.expansionAdd),
    expansionSearch: checkOptionalCount("expansionSearch", options.expansionSearch),
  };
}

/** What usearch's binding resolves `threads = 0` to (std::thread::hardware_concurrency). */
const hardwareThreads = (): number => Math.max(1, cpus().length);

function nativeIndex(r: Resolved): UsearchIndex {
  return new UsearchIndex({
    dimensions: r.dimensions,
    metric: METRICS[r.metric].usearch,
    quantization: DTYPES[r.dtype].usearch,
    connectivity: r.connectivity,
    expansion_add: r.expansionAdd,
    expansion_search: r.expansionSearch,
    multi: false,
  } as unknown as ConstructorParameters<typeof UsearchIndex>[0]);
}

/** Search side of an HNSW index: what both a built index and a memory-mapped view offer. */
export class ReadonlyIndex {
  protected readonly native: UsearchIndex;
  protected readonly idMap: IdMap;
  /**
   * usearch keeps one search context per thread, sized at its last capacity reservation (the add that grew
   * it, or load/view with every core); running more threads than that fails, so thread counts are capped.
   */
  protected contexts: number;
  readonly dimensions: number;
  readonly metric: Metric;
  readonly dtype: Dtype;

  protected constructor(native: UsearchIndex, idMap: IdMap, settings: Resolved) {
    this.native = native;
    this.idMap = idMap;
    this.contexts = hardwareThreads();
    this.dimensions = settings.dimensions;
    this.metric = settings.metric;
    this.dtype = settings.dtype;
  }

  /** Number of vectors in the index. */
  get size(): number {
    return this.idMap.size;
  }

  /**
   * Vectors removed since the index was built, by `remove` or replaced by `upsert` (saved with it). Their graph
   * nodes leave holes that later vectors fill without repairing the links: rebuild once `removed / (size +
   * removed)` passes `ANN_OPTIONS.defaults.index.rebuildShare` (see `needsRebuild`).
   */
  get removed(): number {
    return this.idMap.removedTotal;
  }

  /** Whether `removed / (size + removed)` passes `share` (default `rebuildShare`, 0.2): then build anew. */
  needsRebuild(share: number = INDEX_DEFAULTS.rebuildShare): boolean {
    if (typeof share !== "number" || !(share >= 0 && share <= 1))
      throw new AnnError(`share must be a number from 0 to 1, got ${JSON.stringify(share)}`, {
        code: "invalid-option",
        field: "share",
      });
    const total = this.size + this.removed;
    return total > 0 && this.removed > share * total;
  }

  get connectivity(): number {
    return this.native.connectivity();
  }

  has(id: string): boolean {
    return this.idMap.has(id);
  }

  /** Ids in the order they first entered the index. */
  ids(): readonly string[] {
    return this.idMap.ids();
  }

  /**
   * The `depth` best passages for one query vector (Float32Array of `dimensions` floats): docid → score, in
   * rank order (higher is better).
   */
  search(vector: Float32Array, depth: number): ReadonlyMap<string, number> {
    checkVector(vector, this.dimensions);
    checkFinite("query", vector, this.dimensions);
    checkDepth(depth);
    if (this.size === 0) return new Map();
    const m = this.native.search(vector, depth, 1);
    return this.toScores(m.keys, m.distances);
  }

  /**
   * The `depth` best passages for each row of `queries` ([n × dimensions]) as a `Run` (query id → docid →
   * score), `batchSize` queries per native call searched in parallel. `onProgress` gets `{ unit: "rows", task:
   * "search", done, total }` (queries) after each batch; an aborted `signal` rejects between batches.
   */
  async searchBatch(queries: Float32Array, depth: number, options: SearchBatchOptions = {}): Promise<Run> {
    checkOptions(options, SEARCH_OPTIONS, "searchBatch");
    const n = rowsOf("queries", queries, this.dimensions);
    checkFinite("queries", queries, this.dimensions);
    checkDepth(depth);
    const queryIds = options.queryIds === undefined ? undefined : checkQueryIds(options.queryIds, n);
    const batchSize = checkBatchSize(options.batchSize, SEARCH_DEFAULTS.batchSize);
    const threads = Math.min(checkThreads(options.threads) || hardwareThreads(), this.contexts);
    const run = new Map<string, ReadonlyMap<string, number>>();
    const d = this.dimensions;
    for (let q0 = 0; q0 < n; q0 += batchSize) {
      options.signal?.throwIfAborted();
      const q1 = Math.min(n, q0 + batchSize);
      const found = this.searchRows(wholeBuffer(queries.subarray(q0 * d, q1 * d)), q1 - q0, depth, threads);
      for (const [i, scores] of found.entries()) run.set(queryIds?.[q0 + i] ?? String(q0 + i), scores);
      options.onProgress?.({ unit: "rows", task: "search", done: q1, total: n });
      await nextTurn();
    }
    options.signal?.throwIfAborted();
    return run;
  }

  /** One native batch search of `n` checked query rows. */
  private searchRows(
    queries: Float32Array,
    n: number,
    depth: number,
    threads: number,
  ): ReadonlyMap<string, number>[] {
    if (this.size === 0) return Array.from({ length: n }, () => new Map());
    if (n === 1) {
      const m = this.native.search(queries, depth, 1);
      return [this.toScores(m.keys, m.distances)];
    }
    // usearch returns BatchMatches for a flat array of several rows, whatever its overloads say.
    const batch = this.native.search(queries, depth, threads) as unknown as BatchMatches;
    const results: ReadonlyMap<string, number>[] = [];
    for (let q = 0; q < n; q++) {
      const count = Number(batch.counts[q]);
      const from = q * depth;
      results.push(
        this.toScores(batch.keys.subarray(from, from + count), batch.distances.subarray(from, from + count)),
      );
    }
    return results;
  }

  private toScores(keys: BigUint64Array, distances: Float32Array): ReadonlyMap<string, number> {
    const scores = scoresFromDistances(distances, this.metric, this.dtype === "int8");
    const out = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) out.set(this.idMap.idOf(keys[i]!), scores[i]!);
    return out;
  }
}

/** An HNSW index over usearch with string ids; build it with `Index.create`, reopen it with `Index.load`/`Index.view`. */
export class Index extends ReadonlyIndex {
  private readonly settings: Resolved;

  private constructor(native: UsearchIndex, idMap: IdMap, settings: Resolved) {
    super(native, idMap, settings);
    this.settings = settings;
  }

  /** The files `save(path)` writes (the usearch file, its ids, its manifest): what a caller stages or copies. */
  static files(path: string): string[] {
    return [path, idsSidecar(path), manifestSidecar(path)];
  }

  static create(options: IndexOptions): Index {
    const settings = resolve(options);
    return new Index(nativeIndex(settings), new IdMap(), settings);
  }

  /** Loads an index saved by `save` fully into memory; it can be searched and extended. */
  static async load(path: string, options: OpenOptions = {}): Promise<Index> {
    checkOptions(options, OPEN_OPTIONS, "Index.load");
    const { native, idMap, settings } = await openSaved(path, options, "load");
    return new Index(native, idMap, settings);
  }

  /** Memory-maps an index saved by `save`, for indexes larger than RAM. The view is read-only. */
  static async view(path: string, options: OpenOptions = {}): Promise<ReadonlyIndex> {
    checkOptions(options, OPEN_OPTIONS, "Index.view");
    const { native, idMap, settings } = await openSaved(path, options, "view");
    return new IndexView(native, idMap, settings);
  }

  /**
   * Adds rows of `vectors` ([ids.length × dimensions]) under the given ids; ids must not be in the index and
   * must be distinct (a bad id adds nothing; an id removed earlier may come back). Vectors go in `batchSize` at a
   * time; `onProgress` gets `{ unit: "rows", task: "index", done, total }` after each batch, and an aborted
   * `signal` rejects between batches: the index then holds the batches already added (as many vectors as the
   * last progress event said), consistent and usable.
   */
  async add(ids: readonly string[], vectors: Float32Array, options: AddOptions = {}): Promise<void> {
    await this.#insert(ids, vectors, options, "add");
  }

  /**
   * Adds or replaces: each id's vector becomes its row of `vectors`, whether the id is in the index (its old
   * vector is removed, and counts in `removed`), was removed from it, or is new. Ids must be distinct. Batches,
   * progress and abort as `add`: an abort leaves the ids of the batches done with their new vectors and the
   * others with their old ones.
   */
  async upsert(ids: readonly string[], vectors: Float32Array, options: AddOptions = {}): Promise<void> {
    await this.#insert(ids, vectors, options, "upsert");
  }

  /**
   * Removes the vectors of these ids and returns how many were removed (ids not in the index are passed over).
   * Search no longer returns them; usearch reuses their slots for later vectors. Each counts in `removed`.
   */
  remove(ids: readonly string[]): number {
    if (!Array.isArray(ids))
      throw new AnnError("ids must be an array of strings", { code: "invalid-option", field: "ids" });
    const found: number[] = [];
    for (const [i, id] of ids.entries()) {
      const key = this.idMap.liveKey(checkIdText(id, i));
      if (key >= 0) found.push(key);
    }
    // each key once (an id given twice is removed once)
    const sorted = Float64Array.from(found).sort();
    const keys = sorted.filter((key, i) => i === 0 || key !== sorted[i - 1]);
    if (keys.length === 0) return 0;
    this.native.remove(BigUint64Array.from(keys, (key) => BigInt(key)));
    this.idMap.markRemoved(keys);
    return keys.length;
  }

  async #insert(
    ids: readonly string[],
    vectors: Float32Array,
    options: AddOptions,
    mode: "add" | "upsert",
  ): Promise<void> {
    checkOptions(options, ADD_OPTIONS, mode);
    if (!Array.isArray(ids))
      throw new AnnError("ids must be an array of strings", { code: "invalid-option", field: "ids" });
    const n = rowsOf("vectors", vectors, this.dimensions);
    if (n !== ids.length)
      throw new AnnError(`${mode}: ${ids.length} ids but ${n} vectors of ${this.dimensions} dimensions`, {
        code: "count-mismatch",
        field: "ids",
      });
    const batchSize = checkBatchSize(options.batchSize, ADD_BATCH);
    const wanted = checkThreads(options.threads) || hardwareThreads();
    checkFinite("vectors", vectors, this.dimensions, 0, ids);
    options.signal?.throwIfAborted();
    if (n === 0) return;
    const { keys, live } = this.idMap.plan(ids, mode);
    let added = 0;
    while (added < n) {
      options.signal?.throwIfAborted();
      const count = Math.min(batchSize, n - added);
      const replaced: number[] = [];
      for (let i = added; i < added + count; i++) if (live[i] === 1) replaced.push(keys[i]!);
      if (replaced.length > 0) {
        this.native.remove(BigUint64Array.from(replaced, (key) => BigInt(key)));
        this.idMap.markRemoved(replaced);
      }
      let threads = wanted;
      // Mirrors usearch's binding: it reserves (capacity and `threads` contexts) only when the index must grow.
      if (this.native.size() + count >= this.native.capacity()) this.contexts = threads;
      else threads = Math.min(threads, this.contexts);
      const batchKeys = BigUint64Array.from(keys.subarray(added, added + count), (key) => BigInt(key));
      const d = this.dimensions;
      this.native.add(batchKeys, wholeBuffer(vectors.subarray(added * d, (added + count) * d)), threads);
      this.idMap.commit(ids, keys, added, added + count);
      added += count;
      options.onProgress?.({ unit: "rows", task: "index", done: added, total: n });
      if (added < n) await nextTurn();
    }
  }

  /**
   * Writes the index to `path`, its ids to `path.ids` (one per key: line k is key k's id, removed ones
   * included) and a manifest to `path.json`, each via temp file + rename.
   */
  async save(path: string): Promise<void> {
    const updated = this.idMap.keys !== this.size || this.removed > 0;
    const manifest: IndexManifest = {
      format: "xqg-ann-index",
      version: updated ? 2 : 1,
      metric: this.metric,
      dtype: this.dtype,
      dimensions: this.dimensions,
      count: this.size,
      connectivity: this.connectivity,
      // an index never updated is saved as before (version 1), readable by earlier releases
      ...(updated ? { keys: this.idMap.keys, removed: this.removed } : {}),
    };
    await commitFiles([
      { path, write: async (temp) => this.native.save(temp) },
      { path: idsSidecar(path), write: (temp) => writeIdsFile(temp, this.idMap.keyIds()) },
      { path: manifestSidecar(path), write: (temp) => writeJsonFile(temp, manifest) },
    ]);
  }

  /** The settings this index was created with (0 = usearch's default). */
  get options(): Required<IndexOptions> {
    return { ...this.settings };
  }
}

class IndexView extends ReadonlyIndex {
  constructor(native: UsearchIndex, idMap: IdMap, settings: Resolved) {
    super(native, idMap, settings);
  }
}

async function openSaved(path: string, options: OpenOptions, mode: "load" | "view") {
  const manifest = await readManifest(path);
  await checkIndexHeader(path, manifest);
  const ids = await readIdsFile(idsSidecar(path), manifest.keys ?? manifest.count);
  const settings: Resolved = {
    dimensions: manifest.dimensions,
    metric: manifest.metric,
    dtype: manifest.dtype,
    connectivity: manifest.connectivity,
    expansionAdd: checkOptionalCount("expansionAdd", options.expansionAdd),
    expansionSearch: checkOptionalCount("expansionSearch", options.expansionSearch),
  };
  const native = nativeIndex(settings);
  try {
    if (mode === "load") native.load(path);
    else native.view(path);
  } catch (error) {
    throw new AnnError(`${path}: usearch could not ${mode} the index: ${(error as Error).message}`, {
      code: "bad-index",
      file: path,
      cause: error,
    });
  }
  if (native.size() !== manifest.count)
    throw new AnnError(`${path}: usearch reports ${native.size()} vectors, the manifest ${manifest.count}`, {
      code: "bad-index",
      file: path,
    });
  // keys without a vector: the removed ones (usearch's file knows which keys it holds)
  const removedKeys: number[] = [];
  if (ids.length > manifest.count) {
    for (let start = 0; start < ids.length; start += ADD_BATCH) {
      const keys = new BigUint64Array(Math.min(ADD_BATCH, ids.length - start)).map((_, i) =>
        BigInt(start + i),
      );
      const held = native.contains(keys) as unknown as boolean[];
      for (const [i, yes] of held.entries()) if (!yes) removedKeys.push(start + i);
    }
  }
  if (ids.length - removedKeys.length !== manifest.count)
    throw new AnnError(
      `${path}: usearch holds ${ids.length - removedKeys.length} of the ${ids.length} keys in ${idsSidecar(path)}, the manifest says ${manifest.count}`,
      { code: "bad-index", file: path },
    );
  return { native, idMap: new IdMap(ids, removedKeys, manifest.removed ?? 0), settings };
}
