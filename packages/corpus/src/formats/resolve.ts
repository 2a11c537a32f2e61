import { CorpusError, type CorpusErrorFix } from "../errors.js";
import { type FirstLine, firstLine } from "../read/lines.js";
import { BUILD_INDEX, type Indexable, type RecordIndex } from "../read/offsets.js";
import type { ReadStats, RecordReader } from "../read/reader.js";

/** The fix of a format that cannot be told: pass one of the registry's. */
export function formatFix(registry: Readonly<Record<string, string>>): CorpusErrorFix {
  return { option: "format", choices: Object.keys(registry) };
}

/** The format asked for, checked against the registry (an unknown one is an error that lists the choices). */
export function checkFormat<F extends string>(
  path: string,
  requested: F,
  registry: Readonly<Record<F, string>>,
): F {
  if (Object.hasOwn(registry, requested)) return requested;
  const reason = `unknown format ${JSON.stringify(requested)} (expected one of ${Object.keys(registry).join(", ")})`;
  throw new CorpusError(reason, { file: path, code: "bad-value", field: "format" });
}

/**
 * Picks a file format for writing: the one asked for, else the one its extension names (".gz" looked through),
 * else an error that lists the choices.
 */
export function resolveFormat<F extends string>(
  path: string,
  requested: F | undefined,
  registry: Readonly<Record<F, string>>,
  byExtension: Readonly<Record<string, F>>,
): F {
  if (requested !== undefined) return checkFormat(path, requested, registry);
  const name = path.toLowerCase().replace(/\.gz$/, "");
  const extension = name.slice(name.lastIndexOf(".") + 1);
  const format = Object.hasOwn(byExtension, extension) ? byExtension[extension] : undefined;
  if (format !== undefined) return format;
  throw new CorpusError("cannot tell the format from the file name", {
    file: path,
    code: "bad-value",
    field: "format",
    fix: formatFix(registry),
  });
}

/** The error of a first record that names no format unambiguously: what was seen, and the choices. */
export function undetectedFormat(
  path: string,
  first: FirstLine,
  what: string,
  seen: string,
  registry: Readonly<Record<string, string>>,
): CorpusError {
  return new CorpusError(`cannot tell the ${what} format from this line (${seen})`, {
    file: path,
    line: first.line,
    code: "bad-value",
    field: "format",
    fix: formatFix(registry),
  });
}

/** The keys of the first line's JSON object, or undefined when the line is not one (the reader then says why). */
export function jsonKeys(first: FirstLine): Set<string> | undefined {
  if (!first.text.trimStart().startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(first.text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    return new Set(Object.keys(value));
  } catch {
    return undefined;
  }
}

const NO_STATS: ReadStats = { records: 0, skipped: 0, duplicates: 0, warnings: 0, lines: 0 };

/**
 * A reader whose format is told from the file's first non-blank line when the read starts: `open` is given that
 * line (undefined for a file without one) and returns the reader of the format it names. `format` is "auto"
 * until then.
 */
export function detectingReader<T>(
  path: string,
  open: (first: FirstLine | undefined) => RecordReader<T>,
): RecordReader<T> & Indexable {
  let current: RecordReader<T> | undefined;
  return {
    path,
    async [BUILD_INDEX](every: number): Promise<RecordIndex> {
      const reader = open(await firstLine(path));
      current = reader;
      return (reader as RecordReader<T> & Indexable)[BUILD_INDEX](every);
    },
    get format() {
      return current?.format ?? "auto";
    },
    get stats() {
      return current?.stats ?? NO_STATS;
    },
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let inner: AsyncIterator<T> | undefined;
      let closed = false;
      const start = async (): Promise<IteratorResult<T>> => {
        const reader = open(await firstLine(path));
        current = reader;
        if (closed) return { value: undefined, done: true };
        inner = reader[Symbol.asyncIterator]();
        return inner.next();
      };
      return {
        next: () => (inner ? inner.next() : start()),
        return: async (): Promise<IteratorResult<T>> => {
          closed = true;
          if (inner?.return) return inner.return();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
