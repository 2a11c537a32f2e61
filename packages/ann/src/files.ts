import { open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { isXqgError, readIds, tempPathFor, writeIds } from "@xqg/core";
import { checkDimensions } from "./checks.js";
import { DTYPES, type Dtype, manifestDtype } from "./dtype.js";
import { AnnError } from "./errors.js";
import { checkMetric, METRICS, type Metric } from "./metric.js";

/** What is stored next to an index file so that load/view can refuse files that do not match. */
export interface IndexManifest {
  format: "xqg-ann-index";
  /** 1: every key holds a vector; 2: written after an update (`keys`, `removed`). */
  version: 1 | 2;
  metric: Metric;
  dtype: Dtype;
  dimensions: number;
  /** Vectors held (live keys). */
  count: number;
  connectivity: number;
  /** Version 2: keys handed out (lines of the ids sidecar), live or removed. */
  keys?: number;
  /** Version 2: vectors removed or replaced since the index was built. */
  removed?: number;
}

export const idsSidecar = (path: string): string => `${path}.ids`;
export const manifestSidecar = (path: string): string => `${path}.json`;

/** Writes several files via temp files in their own directories, then renames them in the given order. */
export async function commitFiles(
  files: Array<{ path: string; write: (temp: string) => Promise<void> }>,
): Promise<void> {
  const temps = files.map((f) => tempPathFor(f.path));
  try {
    for (const [i, f] of files.entries()) await f.write(temps[i]!);
    for (const [i, f] of files.entries()) await rename(temps[i]!, f.path);
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw error;
  }
}

/** One id per line, "\n"-terminated (@xqg/core's sidecar writer). */
export async function writeIdsFile(path: string, ids: readonly string[]): Promise<void> {
  await writeIds(path, ids);
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, "utf8");
}

/** Reads the id sidecar with @xqg/core's reader (a BOM and CRLF line ends are accepted) and checks its length. */
export async function readIdsFile(path: string, expected: number): Promise<string[]> {
  let ids: string[];
  try {
    ids = await readIds(path);
  } catch (error) {
    if (isXqgError(error)) throw error;
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new AnnError(`${path}: cannot read the id sidecar (${(error as Error).message})`, {
        code: "missing-file",
        file: path,
        cause: error,
      });
    throw new AnnError(
      `${path}: id sidecar is missing (an @xqg/ann index is saved as three files: X, X.ids, X.json)`,
      { code: "missing-file", file: path, cause: error },
    );
  }
  if (ids.length !== expected)
    throw new AnnError(
      `${path}: has ${ids.length} ids but the manifest says the index holds ${expected} vectors`,
      { code: "count-mismatch", file: path },
    );
  return ids;
}

export async function readManifest(indexPath: string): Promise<IndexManifest> {
  const path = manifestSidecar(indexPath);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "file not found"
        : code
          ? `cannot read (${(error as Error).message})`
          : "not valid JSON";
    throw new AnnError(`${indexPath} is not an @xqg/ann index: manifest ${path}: ${why}`, {
      code: "bad-manifest",
      file: path,
      cause: error,
    });
  }
  const m = raw as Record<string, unknown>;
  if (m["format"] !== "xqg-ann-index" || (m["version"] !== 1 && m["version"] !== 2)) {
    throw new AnnError(
      `${path}: field "format" must be "xqg-ann-index" with "version": 1 or 2, got ${JSON.stringify(m["format"])} / ${JSON.stringify(m["version"])}`,
      { code: "bad-manifest", file: path, field: "format" },
    );
  }
  const field = <T>(name: string, check: (v: unknown) => T): T => {
    try {
      return check(m[name]);
    } catch (error) {
      throw new AnnError(`${path}: field "${name}": ${(error as Error).message}`, {
        code: "bad-manifest",
        file: path,
        field: name,
        cause: error,
      });
    }
  };
  const integer = (name: string) =>
    field(name, (v) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
        throw new AnnError("must be a non-negative integer", {
          code: "bad-manifest",
          file: path,
          field: name,
        });
      return v;
    });
  const count = integer("count");
  const updated =
    m["version"] === 2 ? { keys: integer("keys"), removed: integer("removed") } : { keys: count, removed: 0 };
  if (updated.keys < count)
    throw new AnnError(`${path}: field "keys": ${updated.keys} keys cannot hold ${count} vectors`, {
      code: "bad-manifest",
      file: path,
      field: "keys",
    });
  return {
    format: "xqg-ann-index",
    version: m["version"] as 1 | 2,
    ...updated,
    metric: field("metric", checkMetric),
    dtype: field("dtype", manifestDtype),
    dimensions: field("dimensions", checkDimensions),
    count,
    connectivity: field("connectivity", (v) => (typeof v === "number" ? v : 0)),
  };
}

const MAGIC = "usearch";

/**
 * Reads the usearch file header (after the vector matrix: u32 rows, u32 bytes per row, the rows, then the
 * head: magic, version, metric, scalar kind, …, count, dimensions) and checks it against the manifest.
 */
export async function checkIndexHeader(path: string, manifest: IndexManifest): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "index file not found" : `cannot read the index file (${(error as Error).message})`;
    throw new AnnError(`${path}: ${why}`, { code: "missing-file", file: path, cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new AnnError(`${path}: cannot read the index file (EISDIR: it is a directory)`, {
        code: "missing-file",
        file: path,
      });
    }
    const { size } = info;
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const headAt = 8 + prefix.readUInt32LE(0) * prefix.readUInt32LE(4);
    const head = Buffer.alloc(64);
    // A head past the end of the file (garbage where the row count should be) means no usearch header.
    const { bytesRead } =
      size >= 8 && headAt < size ? await handle.read(head, 0, 64, headAt) : { bytesRead: 0 };
    if (bytesRead < 41 || head.toString("latin1", 0, 7) !== MAGIC)
      throw new AnnError(`${path} is not a usearch index file (no usearch header)`, {
        code: "bad-index",
        file: path,
      });
    const metricCode = head.readUInt8(13);
    const scalarCode = head.readUInt8(14);
    const count = Number(head.readBigUInt64LE(17));
    const dimensions = Number(head.readBigUInt64LE(33));
    const mismatch = (what: string, file: unknown, expected: unknown) =>
      new AnnError(
        `${path}: ${what} in the index file is ${file} but its manifest ${manifestSidecar(path)} says ${expected}`,
        { code: "bad-index", file: path },
      );
    if (metricCode !== METRICS[manifest.metric].headerCode)
      throw mismatch("metric", `code ${String.fromCharCode(metricCode)}`, manifest.metric);
    if (scalarCode !== DTYPES[manifest.dtype].headerCode)
      throw mismatch("dtype", `code ${scalarCode}`, manifest.dtype);
    if (dimensions !== manifest.dimensions) throw mismatch("dimensions", dimensions, manifest.dimensions);
    if (count !== manifest.count) throw mismatch("vector count", count, manifest.count);
  } finally {
    await handle.close();
  }
}
