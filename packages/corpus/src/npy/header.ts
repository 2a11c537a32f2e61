// The .npy header (NEP 1, "format.py" in numpy): magic "\x93NUMPY", version bytes, a little-endian header
// length (uint16 in v1, uint32 in v2/v3), then a Python dict literal padded with spaces and a final "\n" so
// that the data starts at a multiple of 64 bytes.

import { XqgError } from "@xqg/core";

/** The element types xqg writes, by name: NumPy's descr (little-endian) and bytes per element. */
export const NPY_DTYPES = {
  float32: { descr: "<f4", bytes: 4 },
  float16: { descr: "<f2", bytes: 2 },
} as const satisfies Record<string, { descr: string; bytes: number }>;
export type NpyDtype = keyof typeof NPY_DTYPES;

/** What a writer uses unless told otherwise. */
export const NPY_DEFAULTS = { dtype: "float32" } as const satisfies { dtype: NpyDtype };

export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);
const ALIGN = 64;
// numpy ≥ 1.23 leaves room for the row count to grow to 21 digits so the header can be rewritten in
// place; the streaming writer relies on the same rule, so the header length never depends on the count.
const GROWTH_DIGITS = 21;

export interface NpyHeader {
  dtype: NpyDtype;
  littleEndian: boolean;
  rows: number;
  dim: number;
  /** Byte offset of the first element. */
  dataOffset: number;
  version: 1 | 2 | 3;
}

/** The header bytes numpy writes for a C-order [rows, dim] array (version 1.0). */
export function encodeNpyHeader(rows: number, dim: number, dtype: NpyDtype): Uint8Array {
  let dict = `{'descr': '${NPY_DTYPES[dtype].descr}', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  dict += " ".repeat(Math.max(0, GROWTH_DIGITS - String(rows).length));
  const prefix = NPY_MAGIC.length + 2 + 2;
  const unpadded = prefix + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN) * ALIGN;
  const text = `${dict}${" ".repeat(total - unpadded)}\n`;
  const out = new Uint8Array(total);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  return out;
}

/** A header numpy would not load; the reader reports it as a CorpusError naming the file. */
export class NpyFormatError extends XqgError {
  constructor(reason: string) {
    super(reason, { code: "npy-format" });
    this.name = "NpyFormatError";
  }
}

/** How many bytes to read before {@link parseNpyHeader} can tell the full header length. */
export const NPY_PREAMBLE_BYTES = 12;

/** Total header length (magic through "\n") from the first 12 bytes of a file. */
export function npyHeaderLength(preamble: Uint8Array): { length: number; version: 1 | 2 | 3 } {
  if (preamble.length === 0)
    throw new NpyFormatError("empty file (0 bytes): not a .npy file, or a write that was cut off");
  const prefix = NPY_MAGIC.every((b, i) => i >= preamble.length || preamble[i] === b);
  if (preamble.length < 10 && prefix) throw new NpyFormatError("truncated .npy header");
  if (preamble.length < 10 || NPY_MAGIC.some((b, i) => preamble[i] !== b)) {
    throw new NpyFormatError("not a .npy file (bad magic string)");
  }
  const major = preamble[6]!;
  const view = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
  if (major === 1) return { length: 10 + view.getUint16(8, true), version: 1 };
  if (major === 2 || major === 3) {
    if (preamble.length < 12) throw new NpyFormatError("truncated .npy header");
    return { length: 12 + view.getUint32(8, true), version: major };
  }
  throw new NpyFormatError(`unsupported .npy format version ${major}.${preamble[7]}`);
}

/** Parses a complete header (from the first byte of the file). */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  const { length, version } = npyHeaderLength(bytes);
  if (bytes.length < length) throw new NpyFormatError("truncated .npy header");
  const start = version === 1 ? 10 : 12;
  // v1/v2 headers are ISO-8859-1 (NumPy's latin1); TextDecoder's "latin1" label means windows-1252 instead
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + start, length - start);
  const text = header.toString(version === 3 ? "utf8" : "latin1");
  const dict = parsePythonLiteral(text);
  if (!isRecord(dict)) throw new NpyFormatError("header is not a dict");
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof descr !== "string") throw new NpyFormatError("header has no 'descr'");
  const match = /^([<>|=])f([24])$/.exec(descr);
  if (!match) throw new NpyFormatError(`dtype '${descr}' is not supported (expected '<f4' or '<f2')`);
  if (fortran !== false)
    throw new NpyFormatError("fortran_order=True is not supported (save a C-order array)");
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === "number")) {
    throw new NpyFormatError(`shape ${JSON.stringify(shape)} is not 2-D [rows, dim]`);
  }
  return {
    dtype: match[2] === "4" ? "float32" : "float16",
    littleEndian: match[1] !== ">",
    rows: shape[0] as number,
    dim: shape[1] as number,
    dataOffset: length,
    version,
  };
}

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

function isRecord(value: PyValue): value is { [key: string]: PyValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A small parser for the Python literals numpy writes: dict, tuple, list, str, int, True/False/None. */
function parsePythonLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new NpyFormatError(`bad header dict at character ${i}: ${what}`);
  };
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): PyValue => {
    skip();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: { [key: string]: PyValue } = {};
      for (;;) {
        skip();
        if (text[i] === "}") {
          i++;
          return out;
        }
        const key = value();
        if (typeof key !== "string") fail("dict key is not a string");
        skip();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        out[key as string] = value();
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") fail("expected ',' or '}'");
      }
    }
    if (c === "(" || c === "[") {
      const close = c === "(" ? ")" : "]";
      i++;
      const out: PyValue[] = [];
      for (;;) {
        skip();
        if (text[i] === close) {
          i++;
          return out;
        }
        out.push(value());
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail("unterminated string");
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const word = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(i));
    if (!word) return fail("unexpected token");
    i += word[0].length;
    if (word[1] !== undefined) return Number(word[1]);
    return word[2] === "True" ? true : word[2] === "False" ? false : null;
  };
  const result = value();
  skip();
  if (i !== text.length) fail("trailing characters");
  return result;
}
