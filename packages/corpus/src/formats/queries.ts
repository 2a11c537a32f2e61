import { checkOptions } from "@xqg/core";
import { CorpusError } from "../errors.js";
import { type Lang, type LanguageNames, type LanguageSet, languageSet } from "../languages.js";
import type { DuplicateOptions, RecordIdentity } from "../read/duplicates.js";
import { Fields, type JsonObject, parseJsonObject, unknownLanguage } from "../read/fields.js";
import { type FirstLine, lineSource } from "../read/lines.js";
import {
  createLineReader,
  type LineParser,
  type ParseContext,
  READ_OPTIONS,
  type ReadOptions,
  type RecordReader,
} from "../read/reader.js";
import type { Query } from "../types.js";
import { OutputCheck, WRITE_OPTIONS, type WriteOptions, writeLines } from "../write.js";
import { checkFormat, detectingReader, jsonKeys, resolveFormat, undetectedFormat } from "./resolve.js";

/**
 * Query formats. Read without `format`, a file's format is told from its first non-blank line: a JSON object
 * with "question" (xor-tydi), "query_id" or "query" (tevatron) or "_id" (beir); tab-separated columns (tsv).
 */
export const QUERY_FORMATS = {
  "xor-tydi": "XOR-TyDi JSON lines {id, question, answers, lang}; other fields are ignored",
  tevatron: "Tevatron JSON lines {query_id, query}, with answers and lang when present",
  beir: "BEIR queries.jsonl {_id, text}, with lang when present",
  tsv: "qid<TAB>text, no header; an optional third column gives the language",
} as const;
export type QueryFormat = keyof typeof QUERY_FORMATS;
const BY_EXTENSION: Record<string, QueryFormat> = { jsonl: "xor-tydi", json: "xor-tydi", tsv: "tsv" };

export interface QueryReadOptions<L extends string = Lang> extends ReadOptions, DuplicateOptions {
  /** Default: told from the first non-blank line (see QUERY_FORMATS); ".gz" is read through. */
  format?: QueryFormat;
  /**
   * The languages queries may be in, ISO 639-1 code → English name; default LANGUAGES (XOR-TyDi's seven). A
   * query in any other language is an error. Extend the defaults with `{ ...LANGUAGES, sw: "Swahili" }`.
   */
  languages?: LanguageNames<L>;
  /** The language of queries whose record names none (TSV without a third column, Tevatron, BEIR). */
  lang?: NoInfer<L>;
}

/** Tells a queries file's format from its first non-blank line. */
function detectQueryFormat(path: string, first: FirstLine): QueryFormat {
  const keys = jsonKeys(first);
  if (keys !== undefined) {
    const found = new Set<QueryFormat>();
    if (keys.has("question")) found.add("xor-tydi");
    if (keys.has("query_id") || keys.has("query")) found.add("tevatron");
    if (keys.has("_id")) found.add("beir");
    if (found.size === 1) return [...found][0]!;
    const seen = `a JSON object with the keys ${[...keys].join(", ")}; xor-tydi has "question", tevatron "query_id", beir "_id"`;
    throw undetectedFormat(path, first, "queries", seen, QUERY_FORMATS);
  }
  if (first.text.trimStart().startsWith("{")) return "xor-tydi";
  if (first.text.includes("\t")) return "tsv";
  throw undetectedFormat(
    path,
    first,
    "queries",
    "neither a JSON object nor tab-separated columns",
    QUERY_FORMATS,
  );
}

/** How a parser reads a query's language: the record's own, else the `lang` option, else an error. */
interface LangRule {
  readonly languages: LanguageSet;
  readonly fallback: string | undefined;
  /** Who names no language, for the message: "TSV queries", "Tevatron queries", … */
  readonly who: string;
}

function langOf<L extends string>(value: unknown, fields: Fields, context: ParseContext, rule: LangRule): L {
  if (value !== undefined) return fields.lang<L>(value, "lang", context, rule.languages);
  if (rule.fallback !== undefined) return rule.fallback as L;
  const reason = `field "lang" missing (${rule.who} name no language: pass { lang })`;
  throw fields.error(reason, "lang", "missing-field");
}

/** A query from a JSON record, its fields named by `keys`; answers and lang are read when present. */
function jsonQuery<L extends string>(
  record: JsonObject,
  fields: Fields,
  context: ParseContext,
  keys: { id: string; question: string },
  rule: LangRule,
): Query<L> {
  const id = record[keys.id];
  const question = record[keys.question];
  const answers = record["answers"];
  const lang = record["lang"];
  if (
    typeof id === "string" &&
    id.length > 0 &&
    typeof question === "string" &&
    typeof lang === "string" &&
    rule.languages.has(lang) &&
    Array.isArray(answers) &&
    answers.every((a) => typeof a === "string")
  ) {
    return { id, question, answers, lang: lang as L };
  }
  return {
    id: fields.string(record, keys.id, { nonEmpty: true }),
    question: fields.string(record, keys.question),
    // Test-set files carry no answers; that is not an error.
    answers: answers === undefined ? [] : fields.stringArray(answers, "answers"),
    lang: langOf<L>(lang, fields, context, rule),
  };
}

const jsonParser =
  (keys: { id: string; question: string }) =>
  <L extends string>(context: ParseContext, rule: LangRule): LineParser<Query<L>> =>
  (text, line, unterminated) => {
    const record = parseJsonObject(text, context.file, line, unterminated);
    return jsonQuery<L>(record, new Fields(context.file, line), context, keys, rule);
  };

const tsvParser =
  <L extends string>(context: ParseContext, rule: LangRule): LineParser<Query<L>> =>
  (text, line) => {
    const fields = new Fields(context.file, line);
    const parts = text.split("\t");
    if (parts.length !== 2 && parts.length !== 3) fields.columns(parts, ["qid", "text"], "tab");
    const id = parts[0]!;
    if (id.length === 0) throw fields.error('field "qid" is empty', "qid", "bad-value");
    return { id, question: parts[1]!, answers: [], lang: langOf<L>(parts[2], fields, context, rule) };
  };

/**
 * Streams queries in any of QUERY_FORMATS. Every format reads languages by one rule: the record's `lang` (a
 * code of `languages`; `" ar"` or `"AR"` is read as "ar" with a warning), else the `lang` option.
 */
export function readQueries<L extends string = Lang>(
  path: string,
  options: QueryReadOptions<L> = {},
): RecordReader<Query<L>> {
  checkOptions(options, [...READ_OPTIONS, "duplicates", "format", "languages", "lang"], "readQueries");
  const languages = languageSet(options.languages, path);
  if (options.lang !== undefined && !languages.has(options.lang)) {
    const reason = `option ${unknownLanguage("lang", options.lang, languages).slice("field ".length)}`;
    throw new CorpusError(reason, { file: path, field: "lang", code: "unknown-language" });
  }
  const open = (format: QueryFormat): RecordReader<Query<L>> => {
    const handler = QUERY_FORMAT_HANDLERS[format];
    const rule: LangRule = { languages, fallback: options.lang, who: handler.who };
    return createLineReader<Query<L>>(
      path,
      format,
      options,
      (context) => handler.parser<L>(context, rule),
      lineSource,
      QUERY_IDENTITY,
    );
  };
  if (options.format !== undefined) return open(checkFormat(path, options.format, QUERY_FORMATS));
  return detectingReader(path, (first) => open(first ? detectQueryFormat(path, first) : "xor-tydi"));
}

/**
 * A query is its id; a repeat with the same question, answers and language changes no score, so it is kept once
 * with a warning, while one that differs is an error (`duplicates` policy).
 */
const QUERY_IDENTITY: RecordIdentity<Query<string>> = {
  field: "id",
  id: (query) => query.id,
  content: (query) => JSON.stringify([query.question, query.answers, query.lang]),
};

export interface QueryWriteOptions<L extends string = Lang> extends WriteOptions {
  /** Default: from the extension (.jsonl/.json → xor-tydi, .tsv → tsv), ".gz" looked through. */
  format?: QueryFormat;
  /** TSV only: write the language as a third column. Default false (plain `qid\ttext`). */
  withLang?: boolean;
  /** The languages queries may be in (as for reading); default LANGUAGES. */
  languages?: LanguageNames<L>;
}

/** Writes queries atomically in any of QUERY_FORMATS. */
export async function writeQueries<L extends string = Lang>(
  path: string,
  queries: AsyncIterable<Query<L>> | Iterable<Query<L>>,
  options: QueryWriteOptions<L> = {},
): Promise<{ records: number }> {
  checkOptions(options, [...WRITE_OPTIONS, "format", "withLang", "languages"], "writeQueries");
  const format = resolveFormat(path, options.format, QUERY_FORMATS, BY_EXTENSION);
  const languages = languageSet(options.languages, path);
  const handler = QUERY_FORMAT_HANDLERS[format];
  return writeLines(
    path,
    queries,
    (query, line) => {
      const check = new OutputCheck(path, line);
      const id = check.string(query, "id", { nonEmpty: true, noBreaks: handler.noBreaks });
      const question = check.string(query, "question", { noBreaks: handler.noBreaks });
      const lang = check.string(query, "lang");
      if (!languages.has(lang)) throw check.error(unknownLanguage("lang", lang, languages), "lang");
      const answers = query.answers ?? [];
      if (!Array.isArray(answers) || !answers.every((a) => typeof a === "string")) {
        throw check.error('field "answers" must be an array of strings', "answers");
      }
      return handler.line({ id, question, answers, lang }, check, options);
    },
    options,
  );
}

/**
 * How each query format is read and written. Typed against `QueryFormat`: a format without a handler does not
 * compile.
 */
interface QueryFormatHandler {
  parser<L extends string>(context: ParseContext, rule: LangRule): LineParser<Query<L>>;
  /** Who names no language, in the message of a query without one. */
  who: string;
  /** Whether id and question must be free of line breaks (one field per column of a line). */
  noBreaks: boolean;
  /** The line of a checked query. */
  line(query: Query<string>, check: OutputCheck, options: QueryWriteOptions<string>): string;
}

const QUERY_FORMAT_HANDLERS = {
  "xor-tydi": {
    parser: jsonParser({ id: "id", question: "question" }),
    who: "these queries",
    noBreaks: false,
    line: ({ id, question, answers, lang }) => JSON.stringify({ id, question, answers, lang }),
  },
  tevatron: {
    parser: jsonParser({ id: "query_id", question: "query" }),
    who: "Tevatron queries",
    noBreaks: false,
    line: ({ id, question, answers, lang }) =>
      JSON.stringify({ query_id: id, query: question, answers, lang }),
  },
  beir: {
    parser: jsonParser({ id: "_id", question: "text" }),
    who: "BEIR queries",
    noBreaks: false,
    line: ({ id, question, lang }) => JSON.stringify({ _id: id, text: question, lang }),
  },
  tsv: {
    parser: tsvParser,
    who: "TSV queries",
    noBreaks: true,
    line: ({ id, question, lang }, check, options) => {
      if (/\t/.test(id) || /\t/.test(question)) throw check.error("a tab inside a TSV field", "question");
      return options.withLang ? `${id}\t${question}\t${lang}` : `${id}\t${question}`;
    },
  },
} satisfies Record<QueryFormat, QueryFormatHandler>;
