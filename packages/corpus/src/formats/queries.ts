import { isLang, type Lang } from "../languages.js";
import { Fields, parseJsonObject } from "../read/fields.js";
import {
  createLineReader,
  type LineParser,
  type ParseContext,
  type ReadOptions,
  type RecordReader,
} from "../read/reader.js";
import type { Query } from "../types.js";
import { OutputCheck, type WriteOptions, writeLines } from "../write.js";
import { resolveFormat } from "./resolve.js";

/** Query formats: XOR-TyDi JSONL `{id, question, answers, lang}` and TSV `qid\ttext` (optionally `\tlang`). */
export const QUERY_FORMATS = {
  jsonl: "XOR-TyDi JSON lines {id, question, answers, lang}; other fields are ignored",
  tsv: "qid<TAB>text, no header; an optional third column gives the language",
} as const;
export type QueryFormat = keyof typeof QUERY_FORMATS;
const BY_EXTENSION: Record<string, QueryFormat> = { jsonl: "jsonl", json: "jsonl", tsv: "tsv" };

export interface QueryReadOptions extends ReadOptions {
  format?: QueryFormat;
  /** Language of TSV queries that have no third column. */
  lang?: Lang;
}

const jsonlParser =
  (context: ParseContext): LineParser<Query> =>
  (text, line, unterminated) => {
    const record = parseJsonObject(text, context.file, line, unterminated);
    const { id, question, answers, lang } = record;
    if (
      typeof id === "string" &&
      id.length > 0 &&
      typeof question === "string" &&
      isLang(lang) &&
      Array.isArray(answers) &&
      answers.every((a) => typeof a === "string")
    ) {
      return { id, question, answers, lang };
    }
    const fields = new Fields(context.file, line);
    return {
      id: fields.string(record, "id", { nonEmpty: true }),
      question: fields.string(record, "question"),
      // Test-set files carry no answers; that is not an error.
      answers: record["answers"] === undefined ? [] : fields.stringArray(record["answers"], "answers"),
      lang: fields.lang(record["lang"], "lang", context),
    };
  };

const tsvParser =
  (context: ParseContext, lang: Lang | undefined): LineParser<Query> =>
  (text, line) => {
    const fields = new Fields(context.file, line);
    const parts = text.split("\t");
    if (parts.length !== 2 && parts.length !== 3) fields.columns(parts, ["qid", "text"], "tab");
    const id = parts[0]!;
    if (id.length === 0) throw fields.error('field "qid" is empty', "qid", "bad-value");
    let queryLang: Lang;
    if (parts.length === 3) queryLang = fields.lang(parts[2], "lang", context);
    else if (lang !== undefined) queryLang = lang;
    else
      throw fields.error(
        'field "lang" missing (TSV queries name no language: pass { lang })',
        "lang",
        "missing-field",
      );
    return { id, question: parts[1]!, answers: [], lang: queryLang };
  };

/** Streams queries (XOR-TyDi JSONL or TSV). `lang` values such as `" ar"` are normalised with a warning. */
export function readQueries(path: string, options: QueryReadOptions = {}): RecordReader<Query> {
  const format = resolveFormat(path, options.format, QUERY_FORMATS, BY_EXTENSION);
  return createLineReader(path, format, options, (context) =>
    format === "jsonl" ? jsonlParser(context) : tsvParser(context, options.lang),
  );
}

export interface QueryWriteOptions extends WriteOptions {
  format?: QueryFormat;
  /** TSV only: write the language as a third column. Default false (plain `qid\ttext`). */
  withLang?: boolean;
}

/** Writes queries atomically as XOR-TyDi JSONL or TSV. */
export function writeQueries(
  path: string,
  queries: AsyncIterable<Query> | Iterable<Query>,
  options: QueryWriteOptions = {},
): Promise<{ records: number }> {
  const format = resolveFormat(path, options.format, QUERY_FORMATS, BY_EXTENSION);
  return writeLines(
    path,
    queries,
    (query, line) => {
      const check = new OutputCheck(path, line);
      const tsv = format === "tsv";
      const id = check.string(query, "id", { nonEmpty: true, noBreaks: tsv });
      const question = check.string(query, "question", { noBreaks: tsv });
      const lang = check.string(query, "lang");
      if (!isLang(lang)) throw check.error(`field "lang": unknown language ${JSON.stringify(lang)}`, "lang");
      const answers = query.answers ?? [];
      if (!Array.isArray(answers) || !answers.every((a) => typeof a === "string")) {
        throw check.error('field "answers" must be an array of strings', "answers");
      }
      if (tsv) {
        if (/\t/.test(id) || /\t/.test(question)) throw check.error("a tab inside a TSV field", "question");
        return options.withLang ? `${id}\t${question}\t${lang}` : `${id}\t${question}`;
      }
      return JSON.stringify({ id, question, answers, lang });
    },
    options,
  );
}
