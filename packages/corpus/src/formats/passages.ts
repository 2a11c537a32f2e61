import { Fields, parseJsonObject } from "../read/fields.js";
import { createLineReader, type LineParser, type ReadOptions, type RecordReader } from "../read/reader.js";
import type { Passage } from "../types.js";
import { OutputCheck, type WriteOptions, writeLines } from "../write.js";
import { resolveFormat } from "./resolve.js";
import { quoteTsv, splitQuotedTsv } from "./tsv.js";

/** Corpus formats: Tevatron/ir_datasets JSONL `{docid,title,text}`, DPR TSV `id\ttext\ttitle` with header. */
export const PASSAGE_FORMATS = {
  jsonl: "JSON lines {docid, title, text}",
  tsv: "DPR TSV (psgs_w100.tsv): header row id, text, title; Python csv quoting",
} as const;
export type PassageFormat = keyof typeof PASSAGE_FORMATS;
const BY_EXTENSION: Record<string, PassageFormat> = { jsonl: "jsonl", json: "jsonl", tsv: "tsv" };

export interface PassageReadOptions extends ReadOptions {
  /** Default: from the extension (.jsonl/.json → jsonl, .tsv → tsv), ".gz" looked through. */
  format?: PassageFormat;
}

const jsonlParser =
  (file: string): LineParser<Passage> =>
  (text, line, unterminated) => {
    const record = parseJsonObject(text, file, line, unterminated);
    const { docid, title, text: body } = record;
    if (
      typeof docid === "string" &&
      docid.length > 0 &&
      typeof title === "string" &&
      typeof body === "string"
    ) {
      return { docid, title, text: body };
    }
    const fields = new Fields(file, line);
    return {
      docid: fields.string(record, "docid", { nonEmpty: true }),
      title: fields.string(record, "title"),
      text: fields.string(record, "text"),
    };
  };

const DPR_COLUMNS = ["id", "text", "title"] as const;

const tsvParser = (file: string): LineParser<Passage> => {
  let order: { id: number; text: number; title: number } | undefined;
  let names: string[] = [];
  return (text, line) => {
    const fields = new Fields(file, line);
    if (order === undefined) {
      names = text.split("\t").map((name) => name.trim().toLowerCase());
      const at = (name: string, alias?: string) => {
        const index = names.indexOf(name);
        return index >= 0 || alias === undefined ? index : names.indexOf(alias);
      };
      const found = { id: at("id", "docid"), text: at("text"), title: at("title") };
      const absent = DPR_COLUMNS.filter((name) => found[name] < 0);
      if (absent.length > 0) {
        const reason = `header row must name the columns id, text and title; column "${absent[0]}" missing (got ${JSON.stringify(text)})`;
        throw fields.error(reason, absent[0], "bad-header");
      }
      order = found;
      return undefined;
    }
    const parts = splitQuotedTsv(text, fields);
    fields.columns(parts, names, "tab");
    const docid = parts[order.id]!;
    if (docid.length === 0) throw fields.error(`field "${names[order.id]}" is empty`, "id", "bad-value");
    return { docid, title: parts[order.title]!, text: parts[order.text]! };
  };
};

/** Streams the passages of a corpus file (.gz read transparently). */
export function readPassages(path: string, options: PassageReadOptions = {}): RecordReader<Passage> {
  const format = resolveFormat(path, options.format, PASSAGE_FORMATS, BY_EXTENSION);
  return createLineReader(path, format, options, ({ file }) =>
    format === "jsonl" ? jsonlParser(file) : tsvParser(file),
  );
}

export interface PassageWriteOptions extends WriteOptions {
  /** Default: from the extension, as for reading. */
  format?: PassageFormat;
}

/** Writes passages atomically as JSONL or DPR TSV (gzipped when the path ends with ".gz"). */
export function writePassages(
  path: string,
  passages: AsyncIterable<Passage> | Iterable<Passage>,
  options: PassageWriteOptions = {},
): Promise<{ records: number }> {
  const format = resolveFormat(path, options.format, PASSAGE_FORMATS, BY_EXTENSION);
  if (format === "jsonl") {
    return writeLines(
      path,
      passages,
      (passage, line) => {
        const { docid, title, text } = passage;
        if (
          typeof docid === "string" &&
          docid.length > 0 &&
          typeof title === "string" &&
          typeof text === "string"
        ) {
          return JSON.stringify({ docid, title, text });
        }
        // Not a well-formed passage: the checks below throw the error that names the field.
        const check = new OutputCheck(path, line);
        return JSON.stringify({
          docid: check.string(passage, "docid", { nonEmpty: true }),
          title: check.string(passage, "title"),
          text: check.string(passage, "text"),
        });
      },
      options,
    );
  }
  return writeLines(
    path,
    passages,
    (passage, line) => {
      const check = new OutputCheck(path, line);
      const docid = check.string(passage, "docid", { nonEmpty: true, noBreaks: true });
      const title = check.string(passage, "title", { noBreaks: true });
      const text = check.string(passage, "text", { noBreaks: true });
      return `${quoteTsv(docid)}\t${quoteTsv(text)}\t${quoteTsv(title)}`;
    },
    options,
    DPR_COLUMNS.join("\t"),
  );
}
