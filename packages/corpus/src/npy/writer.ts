import type { FileHandle } from "node:fs/promises";
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { type AtomicOptions, checkOptions, commitTemp, discardTemp, tempPathFor } from "@xqg/core";
import { CorpusError } from "../errors.js";
import { encodeRows } from "./bytes.js";
import { checkFinite } from "./finite.js";
import { encodeNpyHeader, NPY_DEFAULTS, NPY_DTYPES, type NpyDtype } from "./header.js";

export interface NpyWriterOptions extends AtomicOptions {
  /** Floats per row. */
  dimensions: number;
  /** Storage type on disk. Rows are always passed in as float32. Default "float32". */
  dtype?: NpyDtype;
  /** Refuse rows holding NaN or ±Infinity, naming the row and column (default true). */
  checkFinite?: boolean;
}

/** Appends rows to a `.npy` file as they come; the file appears at `path` only on `close()`. */
export interface NpyWriter {
  readonly path: string;
  readonly dimensions: number;
  readonly dtype: NpyDtype;
  /** Rows appended so far. */
  readonly rows: number;
  /** Appends one or more rows (`rows.length` must be a multiple of `dimensions`). */
  append(rows: Float32Array): Promise<void>;
  /** Writes the final shape into the header and renames the temp file to `path`. */
  close(): Promise<{ rows: number }>;
  /** Drops everything written; `path` is left untouched. */
  abort(): Promise<void>;
}

export function checkDim(dim: number, file: string): void {
  if (!Number.isSafeInteger(dim) || dim <= 0) {
    throw new CorpusError(`dimensions must be a positive integer, got ${dim}`, {
      file,
      code: "npy-shape",
      field: "dimensions",
    });
  }
}

export function checkDtype(dtype: string, file: string): asserts dtype is NpyDtype {
  if (!Object.hasOwn(NPY_DTYPES, dtype)) {
    const allowed = Object.keys(NPY_DTYPES).join(", ");
    throw new CorpusError(`dtype "${dtype}" is not one of ${allowed}`, {
      file,
      code: "bad-value",
      field: "dtype",
    });
  }
}

/** Every option of `createNpyWriter` and `writeNpy` (AtomicOptions included). */
const NPY_WRITER_OPTIONS = ["dimensions", "dtype", "checkFinite", "durable"];

export async function createNpyWriter(path: string, options: NpyWriterOptions): Promise<NpyWriter> {
  checkOptions(options, NPY_WRITER_OPTIONS, "createNpyWriter");
  const { dimensions: dim, dtype = NPY_DEFAULTS.dtype } = options;
  checkDim(dim, path);
  checkDtype(dtype, path);
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  const handle = await open(temp, "w");
  const header = encodeNpyHeader(0, dim, dtype);
  try {
    await handle.write(header, 0, header.length, 0);
  } catch (error) {
    await handle.close();
    await discardTemp(temp);
    throw error;
  }
  return new StreamingNpyWriter(path, temp, handle, header.length, dim, dtype, options);
}

class StreamingNpyWriter implements NpyWriter {
  #rows = 0;
  #position: number;
  #state: "open" | "closed" | "aborted" = "open";
  // Appends run one after another even when the caller does not await them.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
    private readonly headerLength: number,
    readonly dimensions: number,
    readonly dtype: NpyDtype,
    private readonly atomic: AtomicOptions & { checkFinite?: boolean },
  ) {
    this.#position = headerLength;
  }

  get rows(): number {
    return this.#rows;
  }

  append(rows: Float32Array): Promise<void> {
    if (!(rows instanceof Float32Array)) {
      return Promise.reject(new TypeError("NpyWriter.append expects a Float32Array"));
    }
    if (rows.length % this.dimensions !== 0) {
      const reason = `append got ${rows.length} values, not a multiple of dimensions ${this.dimensions}`;
      return Promise.reject(new CorpusError(reason, { file: this.path, code: "npy-shape" }));
    }
    return this.#enqueue(async () => {
      this.#assertOpen();
      if (this.atomic.checkFinite ?? true) checkFinite(this.path, rows, this.dimensions, this.#rows);
      const bytes = encodeRows(rows, this.dtype);
      if (this.dtype === "float16") this.#checkHalfRange(rows, bytes);
      try {
        let written = 0;
        while (written < bytes.length) {
          const { bytesWritten } = await this.handle.write(
            bytes,
            written,
            bytes.length - written,
            this.#position,
          );
          written += bytesWritten;
          this.#position += bytesWritten;
        }
      } catch (error) {
        // A partial row would shift every later row: give the file up rather than write a wrong one.
        this.#state = "aborted";
        await this.handle.close().catch(() => {});
        await discardTemp(this.temp);
        throw error;
      }
      this.#rows += rows.length / this.dimensions;
    });
  }

  close(): Promise<{ rows: number }> {
    return this.#enqueue(async () => {
      this.#assertOpen();
      this.#state = "closed";
      try {
        const header = encodeNpyHeader(this.#rows, this.dimensions, this.dtype);
        if (header.length !== this.headerLength) throw new Error("npy header length changed");
        await this.handle.write(header, 0, header.length, 0);
        await this.handle.close();
        await commitTemp(this.temp, this.path, this.atomic);
      } catch (error) {
        await this.handle.close().catch(() => {});
        await discardTemp(this.temp);
        throw error;
      }
      return { rows: this.#rows };
    });
  }

  abort(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#state !== "open") return;
      this.#state = "aborted";
      await this.handle.close().catch(() => {});
      await discardTemp(this.temp);
    });
  }

  /**
   * A finite value beyond float16's range (|x| ≥ 65520 rounds to infinity) would be stored as ±Inf, silently
   * breaking every inner product with its row: refuse it, naming the row (0-based) and column, before anything
   * of this append is written.
   */
  #checkHalfRange(rows: Float32Array, bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < rows.length; i++) {
      if ((view.getUint16(i * 2, true) & 0x7fff) !== 0x7c00 || !Number.isFinite(rows[i]!)) continue;
      const row = this.#rows + Math.floor(i / this.dimensions);
      const reason = `row ${row}, column ${i % this.dimensions}: ${rows[i]} is beyond float16's range (±65504); store float32 instead`;
      throw new CorpusError(reason, { file: this.path, code: "bad-value", field: "dtype" });
    }
  }

  #assertOpen(): void {
    if (this.#state !== "open") throw new Error(`NpyWriter for ${this.path} is already ${this.#state}`);
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }
}

/** Writes a whole [rows, dimensions] matrix to `path` atomically. */
export async function writeNpy(
  path: string,
  data: Float32Array,
  options: NpyWriterOptions,
): Promise<{ rows: number }> {
  const writer = await createNpyWriter(path, options);
  try {
    await writer.append(data);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.close();
}
