import { checkOptions } from "@xqg/core";
import type { Lang, LanguageNames, LanguageSet } from "../languages.js";
import { languageSet } from "../languages.js";
import type { DuplicateOptions, RecordIdentity } from "../read/duplicates.js";
import { Fields, unknownLanguage } from "../read/fields.js";
import type { FirstLine } from "../read/lines.js";
import {
  createLineReader,
  type ParseContext,
  RANGE_OPTIONS,
  type RangeOptions,
  READ_OPTIONS,
  type ReadOptions,
  type RecordReader,
} from "../read/reader.js";
import type { GeneratedQueries } from "../types.js";
import { OutputCheck, WRITE_OPTIONS, type WriteOptions, writeLines } from "../write.js";
import { checkFormat, detectingReader, jsonKeys, resolveFormat, undetectedFormat } from "./resolve.js";

/**
 * Generated-queries formats. Read without `format`, a file's format is told from its first non-blank line: a JSON
 * object with "queries" (jsonl) or "generated_queries" (xqg-augmented).
 */
export const GENERATED_FORMATS = {
  jsonl: "xqg's JSON lines {docid, queries: {lang: [query, ...]}}",
  "xqg-augmented":
    "the xQG paper's released queries (Hugging Face dataset ielab/xor-tydi-xqg-augmented, data/shard_*.jsonl): one record per passage {docid, title, text, generated_queries: {lang: [query, ...]}}",
} as const;
export type GeneratedFormat = keyof typeof GENERATED_FORMATS;

export interface GeneratedReadOptions<L extends string = Lang>
  extends ReadOptions,
    RangeOptions,
    DuplicateOptions {
  /** Default: told from the first non-blank line (see GENERATED_FORMATS); ".gz" is read through. */
  format?: GeneratedFormat;
  /** The languages queries may be in, ISO 639-1 code → English name; default LANGUAGES. */
  languages?: LanguageNames<L>;
}

function detectGeneratedFormat(path: string, first: FirstLine): GeneratedFormat {
  const keys = jsonKeys(first);
  if (keys === undefined) return "jsonl";
  const found = (["queries", "generated_queries"] as const).filter((key) => keys.has(key));
  if (found.length === 1) return found[0] === "queries" ? "jsonl" : "xqg-augmented";
  const seen = `a JSON object with the keys ${[...keys].join(", ")}; jsonl has "queries", xqg-augmented "generated_queries"`;
  throw undetectedFormat(path, first, "generated queries", seen, GENERATED_FORMATS);
}

/** Streams generated queries, one record per passage, in any of GENERATED_FORMATS; language keys are checked. */
export function readGeneratedQueries<L extends string = Lang>(
  path: string,
  options: GeneratedReadOptions<L> = {},
): RecordReader<GeneratedQueries<L>> {
  checkOptions(
    options,
    [...READ_OPTIONS, ...RANGE_OPTIONS, "duplicates", "format", "languages"],
    "readGeneratedQueries",
  );
  const languages = languageSet(options.languages, path);
  const open = (format: GeneratedFormat): RecordReader<GeneratedQueries<L>> => {
    const field = format === "jsonl" ? "queries" : "generated_queries";
    return createLineReader(
      path,
      format,
      options,
      (context) => (text, line, unterminated) => {
        const fields = new Fields(context.file, line);
        const record = fields.json(text, unterminated);
        const docid = fields.string(record, "docid", { nonEmpty: true });
        return { docid, queries: queriesOf<L>(record[field], field, fields, context, languages) };
      },
      undefined,
      GENERATED_IDENTITY as RecordIdentity<GeneratedQueries<L>>,
    );
  };
  if (options.format !== undefined) return open(checkFormat(path, options.format, GENERATED_FORMATS));
  // an index names the format it was built with: no first line to read
  const indexed = options.index?.format;
  if (indexed !== undefined && Object.hasOwn(GENERATED_FORMATS, indexed))
    return open(indexed as keyof typeof GENERATED_FORMATS);
  return detectingReader(path, (first) => open(first ? detectGeneratedFormat(path, first) : "jsonl"));
}

/**
 * A record is its passage's docid: a docid twice would give that passage two Σq rows (`duplicates` policy:
 * an error naming both lines by default).
 */
const GENERATED_IDENTITY: RecordIdentity<GeneratedQueries<string>> = {
  field: "docid",
  id: (record) => record.docid,
};

function queriesOf<L extends string>(
  raw: unknown,
  field: string,
  fields: Fields,
  context: ParseContext,
  languages: LanguageSet,
): Partial<Record<L, string[]>> {
  if (raw === undefined) throw fields.missing(field);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw fields.wrongType(field, "an object {lang: string[]}", raw);
  }
  const queries: Partial<Record<L, string[]>> = {};
  for (const [key, value] of Object.entries(raw)) {
    const lang = fields.lang<L>(key, `${field}.${key}`, context, languages);
    queries[lang] = [...(queries[lang] ?? []), ...fields.stringArray(value, `${field}.${key}`)];
  }
  return queries;
}

export interface GeneratedWriteOptions<L extends string = Lang> extends WriteOptions {
  /** Default jsonl. */
  format?: GeneratedFormat;
  /** The languages queries may be in (as for reading); default LANGUAGES. */
  languages?: LanguageNames<L>;
}

/** Writes generated queries atomically as JSON lines (xqg's, or the release's `generated_queries` records). */
export async function writeGeneratedQueries<L extends string = Lang>(
  path: string,
  records: AsyncIterable<GeneratedQueries<L>> | Iterable<GeneratedQueries<L>>,
  options: GeneratedWriteOptions<L> = {},
): Promise<{ records: number }> {
  checkOptions(options, [...WRITE_OPTIONS, "format", "languages"], "writeGeneratedQueries");
  const format = resolveFormat(path, options.format ?? "jsonl", GENERATED_FORMATS, {});
  const languages = languageSet(options.languages, path);
  const key = format === "jsonl" ? "queries" : "generated_queries";
  return writeLines(
    path,
    records,
    (record, line) => {
      const check = new OutputCheck(path, line);
      const docid = check.string(record, "docid", { nonEmpty: true });
      const queries = record.queries;
      if (typeof queries !== "object" || queries === null)
        throw check.error('field "queries" must be an object', "queries");
      for (const [lang, list] of Object.entries(queries)) {
        if (!languages.has(lang))
          throw check.error(unknownLanguage(`queries.${lang}`, lang, languages), `queries.${lang}`);
        if (!Array.isArray(list) || !list.every((q) => typeof q === "string")) {
          throw check.error(`field "queries.${lang}" must be an array of strings`, `queries.${lang}`);
        }
      }
      return JSON.stringify({ docid, [key]: queries });
    },
    options,
  );
}
