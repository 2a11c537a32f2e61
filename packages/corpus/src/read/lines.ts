import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { CorpusError } from "../errors.js";

// 64 KiB reads: measured as fast as 1 MiB ones here, with a smaller and steadier footprint.
const READ_CHUNK = 1 << 16;

/** Lines of one read chunk; `first` is the 1-based number of `lines[0]`. */
export interface LineBatch {
  lines: string[];
  first: number;
  /** True for the batch holding a last line that has no final "\n". */
  unterminated: boolean;
  /** Line number of each entry, where they are not consecutive (elements of a JSON array, TSV records). */
  numbers?: number[];
  /**
   * The fields of each entry, where the source splits records itself (Python-csv TSV, whose quoted fields may
   * span lines): `lines[i]` is then the record's text, and a record the source could not split is its error.
   */
  fields?: Array<readonly string[] | CorpusError>;
  /** Byte offset (of the uncompressed text) where each entry starts: only when the source was asked to track. */
  offsets?: number[];
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Turns an I/O failure into a CorpusError naming the file (a missing file is a user mistake, not a bug). */
export function ioError(path: string, error: unknown, linesRead: number): unknown {
  if (error instanceof CorpusError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? String(error);
  if (code === "ENOENT") return new CorpusError("file not found", { file: path, code: "io", cause: error });
  if (code === "EISDIR") return new CorpusError("is a directory", { file: path, code: "io", cause: error });
  if (code === "EACCES")
    return new CorpusError("permission denied", { file: path, code: "io", cause: error });
  if (code?.startsWith("Z_") || (error as { errno?: number } | undefined)?.errno === -5) {
    const reason = `gzip data is corrupt (${message}) after line ${linesRead}`;
    return new CorpusError(reason, { file: path, code: "gzip", cause: error });
  }
  return error;
}

/**
 * 1-based line of the first invalid UTF-8 sequence in `chunk`, whose first byte continues line `line`, and that
 * sequence's first byte where it lies within the chunk.
 */
function invalidUtf8(chunk: Uint8Array, line: number): { line: number; byte: number | undefined } {
  const strict = new TextDecoder("utf-8", { fatal: true });
  let from = 0;
  // Bytes that complete a character begun in the previous chunk are not an error of this chunk.
  while (from < 3 && from < chunk.length && (chunk[from]! & 0xc0) === 0x80) from++;
  for (;;) {
    const end = chunk.indexOf(10, from);
    const lineBytes = chunk.subarray(from, end < 0 ? chunk.length : end);
    try {
      strict.decode(lineBytes);
    } catch {
      return { line, byte: firstInvalidByte(lineBytes) };
    }
    if (end < 0) return { line, byte: undefined };
    from = end + 1;
    line++;
  }
}

/** The first byte of `bytes` that does not begin (or continue) a well-formed UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const size =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0) return b;
    for (let k = 1; k < size; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return b;
    i += size;
  }
  return undefined;
}

/** Why a file that is not UTF-8 is refused, with what to do about it. */
function notUtf8(byte: number | undefined): string {
  const which = byte === undefined ? "" : ` (byte 0x${byte.toString(16).padStart(2, "0")})`;
  return `invalid UTF-8${which}: xqg reads UTF-8 text; convert the file (e.g. iconv -f latin1 -t utf-8, naming its encoding)`;
}

/** Where a read starts: a byte offset (of the uncompressed text) that begins line `line` (1-based). */
export interface SourcePosition {
  offset: number;
  line: number;
  /** Report each entry's byte offset in `LineBatch.offsets` (what an index pass needs). */
  track?: boolean;
  /** Read no byte at or past this offset (one that begins a line): the end of a range read. */
  end?: number;
}

/** Options of {@link textChunks}. */
export interface TextOptions {
  /**
   * Byte offset to start at (of the uncompressed stream: a gzip file is decompressed from its start and the
   * bytes before `start` dropped undecoded, since gzip has no random access). Must begin a line.
   */
  start?: number;
  /** Called with 3 when the text starts with a UTF-8 BOM (which is dropped), so byte offsets can count it. */
  onBom?: (bytes: number) => void;
  /** Stop before this byte offset (of a plain file; a gzip file is read to its end). */
  end?: number;
}

/**
 * The decoded text of a file in chunks, gunzipped when the file starts with the gzip magic bytes
 * (whatever its name). A leading BOM is dropped; invalid UTF-8 is an error, never silently replaced.
 * Reading is pulled by the consumer, so a slow consumer pauses the file stream (backpressure).
 */
export async function* textChunks(
  path: string,
  progress: () => number,
  options: TextOptions = {},
): AsyncGenerator<string> {
  let gzip: boolean;
  try {
    gzip = await isGzip(path);
  } catch (error) {
    throw ioError(path, error, 0);
  }
  const start = options.start ?? 0;
  const file = createReadStream(path, {
    highWaterMark: READ_CHUNK,
    ...(start > 0 && !gzip ? { start } : {}),
  });
  const bytes = gzip ? pipeline(file, createGunzip({ chunkSize: READ_CHUNK }), () => {}) : file;
  // past the start, a U+FEFF that begins a line is text, as it is to a read from the start
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: start > 0 });
  let skip = gzip ? start : 0;
  let first = start === 0;
  try {
    for await (let chunk of bytes as AsyncIterable<Uint8Array>) {
      if (skip > 0) {
        if (chunk.length <= skip) {
          skip -= chunk.length;
          continue;
        }
        chunk = chunk.subarray(skip);
        skip = 0;
      }
      if (first) {
        first = false;
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
          options.onBom?.(3);
        const utf16 =
          chunk.length >= 2 &&
          ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff));
        if (utf16) {
          throw new CorpusError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); xqg reads UTF-8: convert it, e.g. " +
              "iconv -f utf-16 -t utf-8",
            { file: path, line: 1, code: "encoding" },
          );
        }
        const order = utf16WithoutBom(chunk);
        if (order) {
          throw new CorpusError(
            `the file looks like UTF-16${order.toUpperCase()} without a byte-order mark (its first bytes ` +
              `alternate with 0s); xqg reads UTF-8: convert it, e.g. iconv -f utf-16${order} -t utf-8`,
            { file: path, line: 1, code: "encoding" },
          );
        }
      }
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch (error) {
        const { line, byte } = invalidUtf8(chunk, progress() + 1);
        throw new CorpusError(notUtf8(byte), { file: path, line, code: "encoding", cause: error });
      }
      yield text;
    }
    const tail = decoder.decode();
    if (tail.length > 0) yield tail;
  } catch (error) {
    throw ioError(path, error, progress());
  } finally {
    bytes.destroy();
  }
}

/**
 * `"le"` or `"be"` when a file's first bytes are UTF-16 text without a byte-order mark: of the first pairs (up to
 * 32, at least 4), at least half have a 0 high byte and none a 0 low byte, as ASCII (`{"docid"…`, digits)
 * written as UTF-16 has; other scripts' characters have no 0 byte. UTF-8 text never has a 0 byte.
 */
function utf16WithoutBom(chunk: Uint8Array): "le" | "be" | undefined {
  const pairs = Math.min(32, Math.floor(chunk.length / 2));
  if (pairs < 4) return undefined;
  let zeroSecond = 0;
  let zeroFirst = 0;
  for (let i = 0; i < pairs; i++) {
    const [a, b] = [chunk[2 * i]!, chunk[2 * i + 1]!];
    if (a !== 0 && b === 0) zeroSecond++;
    else if (a === 0 && b !== 0) zeroFirst++;
    else if (a === 0 && b === 0) return undefined;
  }
  if (zeroSecond * 2 >= pairs && zeroFirst === 0) return "le";
  if (zeroFirst * 2 >= pairs && zeroSecond === 0) return "be";
  return undefined;
}

/**
 * The longest line the readers accept: 16 Mi characters. A passage is a few hundred; a line this long is a
 * broken file (a lost newline, a binary file), refused at its line instead of exhausting memory.
 */
export const MAX_LINE_CHARS = 1 << 24;

/**
 * The lines of a file in batches (one per read chunk), "\r\n" and "\n" both accepted; from `at` (a byte
 * offset that begins line `at.line`) when given.
 */
export async function* lineBatches(
  path: string,
  maxLineChars = MAX_LINE_CHARS,
  at?: SourcePosition,
): AsyncGenerator<LineBatch> {
  let next = at?.line ?? 1;
  const track = at?.track === true;
  let byte = at?.offset ?? 0;
  // the unfinished last line, in pieces: joined once its newline arrives (never re-copied chunk by chunk)
  let pending: string[] = [];
  let pendingLength = 0;
  const tooLong = (line: number) =>
    new CorpusError(
      `line is longer than ${maxLineChars.toLocaleString("en")} characters: not a record (a lost line break?)`,
      { file: path, line, code: "record-too-long" },
    );
  const from = {
    start: byte,
    onBom: (n: number) => (byte += n),
    ...(at?.end !== undefined ? { end: at.end } : {}),
  };
  for await (const text of textChunks(path, () => next - 1, from)) {
    if (text.indexOf("\n") < 0) {
      pending.push(text);
      pendingLength += text.length;
      if (pendingLength > maxLineChars) throw tooLong(next);
      continue;
    }
    pending.push(text);
    const lines = pending.join("").split("\n");
    const rest = lines.pop()!;
    pending = rest.length > 0 ? [rest] : [];
    pendingLength = rest.length;
    for (let i = 0; i < lines.length; i++) if (lines[i]!.length > maxLineChars) throw tooLong(next + i);
    if (lines.length === 0) continue;
    let offsets: number[] | undefined;
    if (track) {
      offsets = new Array<number>(lines.length);
      for (let i = 0; i < lines.length; i++) {
        offsets[i] = byte;
        byte += Buffer.byteLength(lines[i]!, "utf8") + 1;
      }
    }
    stripCarriageReturns(lines);
    yield { lines, first: next, unterminated: false, ...(offsets ? { offsets } : {}) };
    next += lines.length;
  }
  if (pendingLength > 0) {
    const lines = [pending.join("")];
    stripCarriageReturns(lines);
    yield { lines, first: next, unterminated: true, ...(track ? { offsets: [byte] } : {}) };
  }
}

/** {@link lineBatches} as a reader's source: lines, from `at` when given. */
export const lineSource = (path: string, at?: SourcePosition): AsyncIterable<LineBatch> =>
  lineBatches(path, MAX_LINE_CHARS, at);

function stripCarriageReturns(lines: string[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
}

/** The first line of a file that is not blank, and its 1-based number. */
export interface FirstLine {
  text: string;
  line: number;
}

/**
 * The first non-blank line of a file (gunzipped, BOM dropped), for telling its format from its content; undefined
 * for a file without one. Reads only as far as that line (at most `limit` characters of it).
 */
export async function firstLine(path: string, limit = 1 << 24): Promise<FirstLine | undefined> {
  let buffer = "";
  let line = 1;
  for await (const text of textChunks(path, () => line - 1)) {
    buffer += text;
    for (;;) {
      const end = buffer.indexOf("\n");
      if (end < 0) break;
      const content = withoutCarriageReturn(buffer.slice(0, end));
      if (content.trim() !== "") return { text: content, line };
      buffer = buffer.slice(end + 1);
      line++;
    }
    if (buffer.length > limit) return { text: buffer, line };
  }
  const content = withoutCarriageReturn(buffer);
  return content.trim() === "" ? undefined : { text: content, line };
}

function withoutCarriageReturn(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
