import { type FileHandle, open } from "node:fs/promises";
import { checkOptions } from "@xqg/core";
import { CorpusError } from "../errors.js";
import { decodeRows, HOST_LITTLE_ENDIAN } from "./bytes.js";
import { checkFinite } from "./finite.js";
import {
  NPY_DTYPES,
  NPY_PREAMBLE_BYTES,
  type NpyDtype,
  NpyFormatError,
  npyHeaderLength,
  parseNpyHeader,
} from "./header.js";

/** Random access to the rows of a `.npy` file; only the rows asked for are read. */
export interface NpyReader {
  readonly path: string;
  readonly rows: number;
  /** Floats per row (the second axis of the shape). */
  readonly dimensions: number;
  readonly dtype: NpyDtype;
  /**
   * `count` rows from row `start`, as float32 (float16 files are converted); a NaN or ±Infinity among them
   * throws a `non-finite` CorpusError naming the row and column (unless opened with `checkFinite: false`). With `into` (at least
   * `count × dimensions` values) the rows are written there, and the returned array is a view of its start; reusing
   * one buffer across reads saves an allocation and keeps a streamed block warm in cache.
   */
  read(start: number, count: number, into?: Float32Array): Promise<Float32Array>;
  /**
   * The rows in order, `batchSize` at a time (the last block may be shorter), from row `start` (default 0) up
   * to `end` (exclusive, default `rows`), e.g. one machine's share of the matrix; block starts are row numbers
   * of the whole file either way. A range that is not non-negative integers with `start ≤ end ≤ rows` throws a
   * RangeError naming the values.
   */
  blocks(options: NpyBlocksOptions): AsyncIterable<{ start: number; rows: Float32Array }>;
  close(): Promise<void>;
}

// One read(2) call through Node must stay under 2 GiB (larger requests abort the process).
const MAX_READ_BYTES = 1 << 30;

async function readExactly(
  handle: FileHandle,
  length: number,
  position: number,
  bytes: Uint8Array = new Uint8Array(length),
): Promise<Uint8Array> {
  let done = 0;
  while (done < length) {
    const chunk = Math.min(length - done, MAX_READ_BYTES);
    const { bytesRead } = await handle.read(bytes, done, chunk, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? bytes : bytes.subarray(0, done);
}

/** Which rows `NpyReader.blocks` reads, and how many at a time. */
export interface NpyBlocksOptions {
  /** Rows per block. */
  batchSize: number;
  start?: number | undefined;
  end?: number | undefined;
}

export interface OpenNpyOptions {
  /** Refuse rows holding NaN or ±Infinity when they are read (default true). */
  checkFinite?: boolean;
}

export async function openNpy(path: string, options: OpenNpyOptions = {}): Promise<NpyReader> {
  checkOptions(options, ["checkFinite"], "openNpy");
  const handle = await open(path, "r");
  try {
    const fail = (reason: string, cause?: unknown): never => {
      throw new CorpusError(reason, { file: path, code: "npy-format", cause });
    };
    const preamble = await readExactly(handle, NPY_PREAMBLE_BYTES, 0);
    let header: ReturnType<typeof parseNpyHeader>;
    try {
      const { length } = npyHeaderLength(preamble);
      header = parseNpyHeader(await readExactly(handle, length, 0));
    } catch (error) {
      if (error instanceof NpyFormatError) return fail(error.message, error);
      throw error;
    }
    const itemSize = NPY_DTYPES[header.dtype].bytes;
    const expected = header.dataOffset + header.rows * header.dim * itemSize;
    const { size } = await handle.stat();
    if (size !== expected) {
      fail(
        `file has ${size} bytes but shape (${header.rows}, ${header.dim}) ${header.dtype} needs ${expected}` +
          (size < expected ? " (truncated)" : ""),
      );
    }
    return new FileNpyReader(
      path,
      handle,
      header.rows,
      header.dim,
      header.dtype,
      header.littleEndian,
      header.dataOffset,
      options.checkFinite ?? true,
    );
  } catch (error) {
    await handle.close();
    throw error;
  }
}

class FileNpyReader implements NpyReader {
  readonly #rowBytes: number;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly rows: number,
    readonly dimensions: number,
    readonly dtype: NpyDtype,
    private readonly littleEndian: boolean,
    private readonly dataOffset: number,
    private readonly finite: boolean,
  ) {
    this.#rowBytes = dimensions * NPY_DTYPES[dtype].bytes;
  }

  async read(start: number, count: number, into?: Float32Array): Promise<Float32Array> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0) {
      throw new RangeError(`read(${start}, ${count}): start and count must be non-negative integers`);
    }
    if (start + count > this.rows) {
      throw new RangeError(
        `read(${start}, ${count}) is past the last row of ${this.path} (${this.rows} rows)`,
      );
    }
    const values = count * this.dimensions;
    if (into !== undefined && !(into instanceof Float32Array && into.length >= values)) {
      throw new RangeError(
        `read(${start}, ${count}): into must be a Float32Array of at least ${values} values`,
      );
    }
    const target = into?.subarray(0, values);
    const length = count * this.#rowBytes;
    // Float32 in host byte order lands straight in the caller's buffer; anything else is decoded into it.
    const direct =
      target !== undefined && this.dtype === "float32" && this.littleEndian === HOST_LITTLE_ENDIAN;
    const bytes = await readExactly(
      this.handle,
      length,
      this.dataOffset + start * this.#rowBytes,
      direct ? new Uint8Array(target.buffer, target.byteOffset, length) : undefined,
    );
    if (bytes.length !== length) {
      throw new CorpusError("file shrank while reading", { file: this.path, code: "npy-format" });
    }
    const rows = direct ? target : decodeRows(bytes, this.dtype, this.littleEndian, target);
    if (this.finite) checkFinite(this.path, rows, this.dimensions, start);
    return rows;
  }

  async *blocks(options: NpyBlocksOptions): AsyncIterable<{ start: number; rows: Float32Array }> {
    checkOptions(options, ["batchSize", "start", "end"], "NpyReader.blocks");
    const blockRows = options?.batchSize;
    if (!Number.isSafeInteger(blockRows) || blockRows <= 0) {
      throw new RangeError(`blocks: batchSize must be a positive integer, got ${show(blockRows)}`);
    }
    const first = options.start ?? 0;
    const end = options.end ?? this.rows;
    if (
      !Number.isSafeInteger(first) ||
      !Number.isSafeInteger(end) ||
      first < 0 ||
      first > end ||
      end > this.rows
    ) {
      throw new RangeError(
        `blocks({ start: ${show(first)}, end: ${show(end)} }): the range must be integers with ` +
          `0 ≤ start ≤ end ≤ ${this.rows} (the rows of ${this.path})`,
      );
    }
    for (let start = first; start < end; start += blockRows) {
      yield { start, rows: await this.read(start, Math.min(blockRows, end - start)) };
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** A range bound as written in an error message: strings quoted, so that "5" does not read as 5. */
const show = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** Reads a whole `.npy` file into one Float32Array (row-major [rows, dimensions]). */
export async function readNpy(
  path: string,
  options: OpenNpyOptions = {},
): Promise<{ data: Float32Array; rows: number; dimensions: number; dtype: NpyDtype }> {
  const reader = await openNpy(path, options);
  try {
    const data = await reader.read(0, reader.rows);
    return { data, rows: reader.rows, dimensions: reader.dimensions, dtype: reader.dtype };
  } finally {
    await reader.close();
  }
}
