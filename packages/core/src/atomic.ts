import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

export interface AtomicOptions {
  /** fsync the temp file before the rename, so the output survives a power loss too. Default false. */
  durable?: boolean;
}

export interface SinkOptions extends AtomicOptions {
  /** gzip the output. Default: when `path` ends with ".gz". */
  gzip?: boolean;
}

// Output is gathered into pieces of about this many characters: far fewer write calls than one per
// record, while memory stays bounded whatever the input size.
const WRITE_CHUNK_CHARS = 1 << 18;

/** A temp file name in the same directory as `path`, so that the final rename is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** Moves a finished temp file over `path` (fsync first when `durable`). */
export async function commitTemp(temp: string, path: string, options: AtomicOptions = {}): Promise<void> {
  if (options.durable) {
    const handle = await open(temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  await rename(temp, path);
}

/** Removes a temp file (no error when it is already gone). */
export async function discardTemp(temp: string): Promise<void> {
  await rm(temp, { force: true });
}

/**
 * Writes `data` to `path` through a temp file in the same directory and a rename, so readers see either
 * the old file or the complete new one, never a half-written file. Creates the parent directory.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicOptions = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data);
    await commitTemp(temp, path, options);
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
}

/**
 * Streams text pieces into `path` atomically: temp file in the same directory, gzip when asked, rename
 * when every piece is written. If `pieces` throws, the temp file is removed and `path` is left as it was.
 * Backpressure comes from the pipeline: `pieces` is only pulled as fast as the disk takes the bytes.
 */
export async function writeTextAtomic(
  path: string,
  pieces: AsyncIterable<string> | Iterable<string>,
  options: SinkOptions = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  const gzip = options.gzip ?? path.endsWith(".gz");
  const source = Readable.from(chunked(pieces), { objectMode: false });
  try {
    if (gzip) await pipeline(source, createGzip(), createWriteStream(temp));
    else await pipeline(source, createWriteStream(temp));
    await commitTemp(temp, path, options);
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
}

async function* chunked(pieces: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let buffer = "";
  for await (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= WRITE_CHUNK_CHARS) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer.length > 0) yield buffer;
}
