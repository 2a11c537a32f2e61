import { AnnError } from "./errors.js";

export function checkDimensions(dimensions: unknown): number {
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions <= 0) {
    throw new AnnError(`dimensions must be a positive integer, got ${JSON.stringify(dimensions)}`, {
      code: "invalid-option",
      field: "dimensions",
    });
  }
  return dimensions;
}

export function checkDepth(k: unknown): number {
  if (typeof k !== "number" || !Number.isInteger(k) || k <= 0)
    throw new AnnError(`depth must be a positive integer, got ${JSON.stringify(k)}`, {
      code: "invalid-option",
      field: "depth",
    });
  return k;
}

export function checkThreads(threads: unknown): number {
  if (threads === undefined) return 0;
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 0) {
    throw new AnnError(
      `threads must be a non-negative integer (0 = automatic), got ${JSON.stringify(threads)}`,
      { code: "invalid-option", field: "threads" },
    );
  }
  return threads;
}

export function checkOptionalCount(name: string, value: unknown, max?: number): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new AnnError(
      `${name} must be a non-negative integer (0 = usearch's default), got ${JSON.stringify(value)}`,
      { code: "invalid-option", field: name },
    );
  }
  if (max !== undefined && value > max) {
    throw new AnnError(
      `${name} must be at most ${max} (each vector keeps 2 × ${name} neighbour slots; usearch's default is 16), ` +
        `got ${value}`,
      { code: "invalid-option", field: name },
    );
  }
  return value;
}

/** Checks that `data` is a Float32Array holding whole rows of `dimensions`; returns the row count. */
export function rowsOf(what: string, data: unknown, dimensions: number): number {
  if (!(data instanceof Float32Array))
    throw new AnnError(`${what} must be a Float32Array (rows × ${dimensions}, row-major)`, {
      code: "invalid-option",
      field: what,
    });
  if (data.length % dimensions !== 0) {
    throw new AnnError(
      `dimension mismatch: ${what} has ${data.length} floats, not a multiple of the index's ${dimensions} dimensions`,
      { code: "dimension-mismatch", field: what },
    );
  }
  return data.length / dimensions;
}

/** A single query vector must have exactly `dimensions` floats. */
export function checkVector(vector: unknown, dimensions: number): Float32Array {
  if (!(vector instanceof Float32Array))
    throw new AnnError(`query must be a Float32Array of ${dimensions} floats`, {
      code: "invalid-option",
      field: "query",
    });
  if (vector.length !== dimensions) {
    throw new AnnError(
      `dimension mismatch: query has ${vector.length} floats, the index has ${dimensions} dimensions (use searchBatch for several queries)`,
      { code: "dimension-mismatch", field: "query" },
    );
  }
  return vector;
}

/**
 * Refuses a NaN or ±Infinity in `data` (rows `firstRow …`, `dimensions` wide): an Inf row would rank first for
 * every inner-product query and a NaN scores nothing sensible. Names the row, its id when `idOf` knows it, and
 * the column. One pass over the array (`x - x` is 0 exactly for finite x).
 */
export function checkFinite(
  what: string,
  data: Float32Array,
  dimensions: number,
  firstRow = 0,
  idOf?: readonly string[] | ((row: number) => string),
): void {
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (x - x === 0) continue;
    const row = firstRow + Math.floor(i / dimensions);
    const id = typeof idOf === "function" ? idOf(row) : idOf?.[row - firstRow];
    const where =
      what === "query"
        ? "query"
        : `${what} row ${row}${id === undefined ? "" : ` (id ${JSON.stringify(id)})`}`;
    throw new AnnError(`${where}, column ${i % dimensions}: ${x}; vectors must be finite`, {
      code: "non-finite",
      field: what,
    });
  }
}

/** Ids are stored one per line in the sidecar, so they must be non-empty single-line strings. */
export function checkIdText(id: unknown, position: number): string {
  if (typeof id !== "string" || id.length === 0 || /[\r\n]/.test(id)) {
    throw new AnnError(
      `id at position ${position} must be a non-empty string without line breaks, got ${JSON.stringify(id)}`,
      { code: "bad-id", field: "ids" },
    );
  }
  return id;
}
