import { open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { checkDimensions } from "./checks.js";
import { checkDtype, DTYPES, type Dtype } from "./dtype.js";
import { checkMetric, METRICS, type Metric } from "./metric.js";

/** What is stored next to an index file so that load/view can refuse files that do not match. */
export interface IndexManifest {
  format: "xqg-ann-index";
  version: 1;
  metric: Metric;
  dtype: Dtype;
  dimensions: number;
  count: number;
  connectivity: number;
}

export const idsSidecar = (path: string): string => `${path}.ids`;
export const manifestSidecar = (path: string): string => `${path}.json`;

export function tempPathFor(path: string): string {
  const nonce = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return join(dirname(path), `.${basename(path)}.${nonce}.tmp`);
}

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

export async function writeIdsFile(path: string, ids: readonly string[]): Promise<void> {
  await writeFile(path, ids.length === 0 ? "" : `${ids.join("\n")}\n`, "utf8");
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, "utf8");
}

export async function readIdsFile(path: string, expected: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new Error(
      `${path}: id sidecar is missing (an @xqg/ann index is saved as three files: X, X.ids, X.json)`,
    );
  }
  const ids = text.length === 0 ? [] : text.replace(/\n$/, "").split("\n");
  if (ids.length !== expected)
    throw new Error(
      `${path}: has ${ids.length} ids but the manifest says the index holds ${expected} vectors`,
    );
  return ids;
}

export async function readManifest(indexPath: string): Promise<IndexManifest> {
  const path = manifestSidecar(indexPath);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : "not valid JSON";
    throw new Error(`${indexPath} is not an @xqg/ann index: manifest ${path}: ${why}`);
  }
  const m = raw as Record<string, unknown>;
  if (m["format"] !== "xqg-ann-index" || m["version"] !== 1) {
    throw new Error(
      `${path}: field "format" must be "xqg-ann-index" with "version": 1, got ${JSON.stringify(m["format"])} / ${JSON.stringify(m["version"])}`,
    );
  }
  const field = <T>(name: string, check: (v: unknown) => T): T => {
    try {
      return check(m[name]);
    } catch (error) {
      throw new Error(`${path}: field "${name}": ${(error as Error).message}`);
    }
  };
  const count = field("count", (v) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      throw new Error("must be a non-negative integer");
    return v;
  });
  return {
    format: "xqg-ann-index",
    version: 1,
    metric: field("metric", checkMetric),
    dtype: field("dtype", checkDtype),
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
  } catch {
    throw new Error(`${path}: index file not found`);
  }
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const headAt = 8 + prefix.readUInt32LE(0) * prefix.readUInt32LE(4);
    const head = Buffer.alloc(64);
    const { bytesRead } = size >= 8 ? await handle.read(head, 0, 64, headAt) : { bytesRead: 0 };
    if (bytesRead < 41 || head.toString("latin1", 0, 7) !== MAGIC)
      throw new Error(`${path} is not a usearch index file (no usearch header)`);
    const metricCode = head.readUInt8(13);
    const scalarCode = head.readUInt8(14);
    const count = Number(head.readBigUInt64LE(17));
    const dimensions = Number(head.readBigUInt64LE(33));
    const mismatch = (what: string, file: unknown, expected: unknown) =>
      new Error(
        `${path}: ${what} in the index file is ${file} but its manifest ${manifestSidecar(path)} says ${expected}`,
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
