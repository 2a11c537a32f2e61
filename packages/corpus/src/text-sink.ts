import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { type AtomicOptions, commitTemp, discardTemp, tempPathFor } from "./atomic.js";

// Output is gathered into pieces of about this many characters: far fewer write calls than one per
// record, while memory stays bounded whatever the input size.
export const WRITE_CHUNK_CHARS = 1 << 18;

export interface SinkOptions extends AtomicOptions {
  /** gzip the output. Default: when `path` ends with ".gz". */
  gzip?: boolean;
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
