import type { Lang } from "../languages.js";
import { isLang } from "../languages.js";
import { Fields } from "../read/fields.js";
import { createLineReader, type ReadOptions, type RecordReader } from "../read/reader.js";
import type { GeneratedQueries } from "../types.js";
import { OutputCheck, type WriteOptions, writeLines } from "../write.js";

/** Streams generated queries, JSONL `{docid, queries: {lang: string[]}}`. Language keys are checked. */
export function readGeneratedQueries(
  path: string,
  options: ReadOptions = {},
): RecordReader<GeneratedQueries> {
  return createLineReader(path, "jsonl", options, (context) => (text, line, unterminated) => {
    const fields = new Fields(context.file, line);
    const record = fields.json(text, unterminated);
    const docid = fields.string(record, "docid", { nonEmpty: true });
    const raw = record["queries"];
    if (raw === undefined) throw fields.missing("queries");
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw fields.wrongType("queries", "an object {lang: string[]}", raw);
    }
    const queries: Partial<Record<Lang, string[]>> = {};
    for (const [key, value] of Object.entries(raw)) {
      const lang = fields.lang(key, `queries.${key}`, context);
      queries[lang] = [...(queries[lang] ?? []), ...fields.stringArray(value, `queries.${key}`)];
    }
    return { docid, queries };
  });
}

/** Writes generated queries atomically as JSONL. */
export function writeGeneratedQueries(
  path: string,
  records: AsyncIterable<GeneratedQueries> | Iterable<GeneratedQueries>,
  options: WriteOptions = {},
): Promise<{ records: number }> {
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
        if (!isLang(lang)) throw check.error(`field "queries.${lang}": unknown language`, `queries.${lang}`);
        if (!Array.isArray(list) || !list.every((q) => typeof q === "string")) {
          throw check.error(`field "queries.${lang}" must be an array of strings`, `queries.${lang}`);
        }
      }
      return JSON.stringify({ docid, queries });
    },
    options,
  );
}
