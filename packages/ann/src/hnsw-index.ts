import { cpus } from "node:os";
import {
  checkDimensions,
  checkFinite,
  checkK,
  checkOptionalCount,
  checkThreads,
  checkVector,
  rowsOf,
} from "./checks.js";
import { checkDtype, DTYPES, type Dtype } from "./dtype.js";
import { AnnError } from "./errors.js";
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
import type { SearchResult } from "./result.js";
import { type BatchMatches, Index as UsearchIndex } from "./usearch.js";

/** Defaults follow the paper's faiss flat inner-product search (usearch itself defaults to cosine). */
export const INDEX_DEFAULTS = {
  metric: "ip",
  dtype: "f32",
  /** 0 lets usearch choose (16 neighbours per node, expansion 128 when adding, 64 when searching). */
  connectivity: 0,
  expansionAdd: 0,
  expansionSearch: 0,
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

export interface ThreadOptions {
  /** Worker threads; 0 (default) lets usearch use every core. */
  threads?: number;
}

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
    throw new AnnError("Index options must be an object with at least { dimensions }", "bad-option");
  return {
    dimensions: checkDimensions(options.dimensions),
    metric: checkMetric(options.metric ?? INDEX_DEFAULTS.metric),
    dtype: checkDtype(options.dtype ?? INDEX_DEFAULTS.dtype),
    connectivity: checkOptionalCount("connectivity", options.connectivity),
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

  get connectivity(): number {
    return this.native.connectivity();
  }

  has(id: string): boolean {
    return this.idMap.has(id);
  }

  /** Ids in insertion order. */
  ids(): readonly string[] {
    return this.idMap.ids();
  }

  /** The k best matches for one query vector (Float32Array of `dimensions` floats). */
  search(vector: Float32Array, k: number): SearchResult {
    checkVector(vector, this.dimensions);
    checkFinite("query", vector, this.dimensions);
    checkK(k);
    if (this.size === 0) return { ids: [], scores: new Float32Array(0) };
    const m = this.native.search(vector, k, 1);
    return this.toResult(m.keys, m.distances);
  }

  /** The k best matches for each row of `queries` ([n × dimensions]), searched in parallel. */
  searchBatch(queries: Float32Array, k: number, options: ThreadOptions = {}): SearchResult[] {
    const n = rowsOf("queries", queries, this.dimensions);
    checkFinite("queries", queries, this.dimensions);
    checkK(k);
    const threads = Math.min(checkThreads(options.threads) || hardwareThreads(), this.contexts);
    if (n === 0) return [];
    if (this.size === 0) return Array.from({ length: n }, () => ({ ids: [], scores: new Float32Array(0) }));
    if (n === 1) return [this.search(queries, k)];
    // usearch returns BatchMatches for a flat array of several rows, whatever its overloads say.
    const batch = this.native.search(queries, k, threads) as unknown as BatchMatches;
    const results: SearchResult[] = [];
    for (let q = 0; q < n; q++) {
      const count = Number(batch.counts[q]);
      const from = q * k;
      results.push(
        this.toResult(batch.keys.subarray(from, from + count), batch.distances.subarray(from, from + count)),
      );
    }
    return results;
  }

  private toResult(keys: BigUint64Array, distances: Float32Array): SearchResult {
    const ids = Array.from(keys, (key) => this.idMap.idOf(key));
    return { ids, scores: scoresFromDistances(distances, this.metric, this.dtype === "i8") };
  }
}

/** An HNSW index over usearch with string ids; build it with `Index.create`, reopen it with `Index.load`/`Index.view`. */
export class Index extends ReadonlyIndex {
  private readonly settings: Resolved;

  private constructor(native: UsearchIndex, idMap: IdMap, settings: Resolved) {
    super(native, idMap, settings);
    this.settings = settings;
  }

  static create(options: IndexOptions): Index {
    const settings = resolve(options);
    return new Index(nativeIndex(settings), new IdMap(), settings);
  }

  /** Loads an index saved by `save` fully into memory; it can be searched and extended. */
  static async load(path: string, options: OpenOptions = {}): Promise<Index> {
    const { native, idMap, settings } = await openSaved(path, options, "load");
    return new Index(native, idMap, settings);
  }

  /** Memory-maps an index saved by `save`, for indexes larger than RAM. The view is read-only. */
  static async view(path: string, options: OpenOptions = {}): Promise<ReadonlyIndex> {
    const { native, idMap, settings } = await openSaved(path, options, "view");
    return new IndexView(native, idMap, settings);
  }

  /** Adds rows of `vectors` ([ids.length × dimensions]) under the given ids; ids must be new and distinct. */
  add(ids: readonly string[], vectors: Float32Array, options: ThreadOptions = {}): void {
    if (!Array.isArray(ids))
      throw new AnnError("ids must be an array of strings", "bad-option", { field: "ids" });
    const n = rowsOf("vectors", vectors, this.dimensions);
    if (n !== ids.length)
      throw new AnnError(
        `add: ${ids.length} ids but ${n} vectors of ${this.dimensions} dimensions`,
        "count-mismatch",
        { field: "ids" },
      );
    let threads = checkThreads(options.threads) || hardwareThreads();
    checkFinite("vectors", vectors, this.dimensions, 0, ids);
    if (n === 0) return;
    const first = this.idMap.append(ids);
    try {
      // Mirrors usearch's binding: it reserves (capacity and `threads` contexts) only when the index must grow.
      if (this.native.size() + n >= this.native.capacity()) this.contexts = threads;
      else threads = Math.min(threads, this.contexts);
      const keys = new BigUint64Array(n);
      for (let i = 0; i < n; i++) keys[i] = BigInt(first + i);
      this.native.add(keys, vectors, threads);
    } catch (error) {
      this.idMap.truncate(first);
      throw error;
    }
  }

  /** Writes the index to `path`, its ids to `path.ids` and a manifest to `path.json`, each via temp file + rename. */
  async save(path: string): Promise<void> {
    const manifest: IndexManifest = {
      format: "xqg-ann-index",
      version: 1,
      metric: this.metric,
      dtype: this.dtype,
      dimensions: this.dimensions,
      count: this.size,
      connectivity: this.connectivity,
    };
    await commitFiles([
      { path, write: async (temp) => this.native.save(temp) },
      { path: idsSidecar(path), write: (temp) => writeIdsFile(temp, this.idMap.ids()) },
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
  const ids = await readIdsFile(idsSidecar(path), manifest.count);
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
    throw new AnnError(
      `${path}: usearch could not ${mode} the index: ${(error as Error).message}`,
      "bad-index",
      { file: path, cause: error },
    );
  }
  if (native.size() !== manifest.count)
    throw new AnnError(
      `${path}: usearch reports ${native.size()} vectors, the manifest ${manifest.count}`,
      "bad-index",
      { file: path },
    );
  return { native, idMap: new IdMap(ids), settings };
}
