import { checkOptions } from "@xqg/core";
import { CorpusError } from "../errors.js";
import type { DuplicateOptions, RecordIdentity } from "../read/duplicates.js";
import { Fields, type JsonObject, parseJsonObject } from "../read/fields.js";
import { type FirstLine, lineSource } from "../read/lines.js";
import {
  createLineReader,
  type LineParser,
  RANGE_OPTIONS,
  type RangeOptions,
  READ_OPTIONS,
  type ReadOptions,
  type RecordReader,
} from "../read/reader.js";
import type { Passage } from "../types.js";
import { OutputCheck, WRITE_OPTIONS, type WriteOptions, writeLines } from "../write.js";
import { checkFormat, detectingReader, jsonKeys, resolveFormat, undetectedFormat } from "./resolve.js";
import { quoteTsv, TSV_DEFAULTS, tsvRecordBatches } from "./tsv.js";

/**
 * Corpus formats. Read without `format`, a file's format is told from its first non-blank line: a JSON object
 * with "docid" (jsonl), "contents" (pyserini) or "_id" (beir); a TSV header row naming id, text and title
 * (dpr-tsv); two tab-separated columns without a header (msmarco-tsv).
 */
export const PASSAGE_FORMATS = {
  jsonl: "JSON lines {docid, title, text} (xqg, Tevatron, ir_datasets)",
  pyserini: "Pyserini JSON lines {id, contents} or {id, title, contents}",
  beir: "BEIR corpus.jsonl {_id, title, text}",
  "dpr-tsv":
    "DPR TSV (psgs_w100.tsv): header row id, text, title; read as Python's csv module reads it (quoted fields may span lines)",
  "msmarco-tsv": "MS MARCO collection.tsv: pid<TAB>text, no header, no quoting, no title",
} as const;
export type PassageFormat = keyof typeof PASSAGE_FORMATS;
const BY_EXTENSION: Record<string, PassageFormat> = { jsonl: "jsonl", json: "jsonl", tsv: "dpr-tsv" };

export interface PassageReadOptions extends ReadOptions, DuplicateOptions, RangeOptions {
  /** Default: told from the first non-blank line (see PASSAGE_FORMATS); ".gz" is read through. */
  format?: PassageFormat;
  /**
   * dpr-tsv: the longest field accepted, in characters; Python's `csv.field_size_limit()`, 131072 by default. A
   * longer field is an error at its record's first line (most often a stray quote that opened a field).
   */
  fieldSizeLimit?: number;
}

/** Tells a corpus file's format from its first non-blank line. */
function detectPassageFormat(path: string, first: FirstLine): PassageFormat {
  const keys = jsonKeys(first);
  if (keys !== undefined) {
    const found = (["docid", "contents", "_id"] as const).filter((key) => keys.has(key));
    if (found.length === 1)
      return found[0] === "docid" ? "jsonl" : found[0] === "contents" ? "pyserini" : "beir";
    const seen = `a JSON object with the keys ${[...keys].join(", ")}; jsonl has "docid", pyserini "contents", beir "_id"`;
    throw undetectedFormat(path, first, "corpus", seen, PASSAGE_FORMATS);
  }
  // a line that does not parse as a JSON object is read as JSON lines: the reader then says what is wrong
  if (first.text.trimStart().startsWith("{")) return "jsonl";
  const cells = first.text.split("\t");
  const names = cells.map((cell) => cell.trim().toLowerCase());
  if (names.some((name) => DPR_NAMES.has(name))) return "dpr-tsv";
  if (cells.length === 2) return "msmarco-tsv";
  const seen =
    cells.length === 1
      ? "neither a JSON object nor tab-separated columns"
      : `${cells.length} tab-separated columns without a header row; dpr-tsv starts with the header id, text, title, msmarco-tsv has 2 columns`;
  throw undetectedFormat(path, first, "corpus", seen, PASSAGE_FORMATS);
}

/** Column names that make a first TSV line a header row (DPR's id, text, title, and the docid alias). */
const DPR_NAMES = new Set(["id", "docid", "text", "title"]);

/** White space of any kind (line and paragraph separators, no-break space, the BOM) and control characters. */
const BAD_ID_CHARACTER = /[\s\p{Cc}]/u;

/**
 * A passage id, as the ids sidecar (one per line) and TREC runs (space-separated) hold it: refused, naming the
 * field, when it has white space, a line break, a BOM or a control character, which would split or shift it there.
 */
function checkedId(docid: string, fields: Fields, field: string): string {
  const bad = BAD_ID_CHARACTER.exec(docid);
  if (bad === null) return docid;
  const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  throw fields.error(
    `field "${field}" is ${JSON.stringify(docid)}: a passage id may not hold white space, a line break, a BOM or a control character (U+${code}); ids sidecars and TREC runs could not hold it`,
    field,
    "bad-value",
  );
}

/** A passage from the record's fields, checked; `idField` and `textField` name them in messages. */
function passageOf(
  record: JsonObject,
  fields: Fields,
  idField: string,
  textField: string,
  titleRequired: boolean,
): Passage {
  const docid = record[idField];
  const text = record[textField];
  const title = record["title"];
  if (
    typeof docid === "string" &&
    docid.length > 0 &&
    typeof text === "string" &&
    (typeof title === "string" || (!titleRequired && title === undefined))
  ) {
    return { docid: checkedId(docid, fields, idField), title: typeof title === "string" ? title : "", text };
  }
  return {
    docid: checkedId(fields.string(record, idField, { nonEmpty: true }), fields, idField),
    title: titleRequired || record["title"] !== undefined ? fields.string(record, "title") : "",
    text: fields.string(record, textField),
  };
}

const jsonParser =
  (idField: string, textField: string, titleRequired: boolean) =>
  (file: string): LineParser<Passage> =>
  (text, line, unterminated) => {
    const record = parseJsonObject(text, file, line, unterminated);
    return passageOf(record, new Fields(file, line), idField, textField, titleRequired);
  };

/** The JSON parser of delta files: a record with `"deleted": true` is a deletion of its id. */
const changesParser =
  (idField: string, textField: string, titleRequired: boolean) =>
  (file: string): LineParser<Passage | PassageDeletion> =>
  (text, line, unterminated) => {
    const record = parseJsonObject(text, file, line, unterminated);
    const fields = new Fields(file, line);
    const deleted = record["deleted"];
    if (deleted === undefined || deleted === false)
      return passageOf(record, fields, idField, textField, titleRequired);
    if (deleted !== true)
      throw fields.error(
        `field "deleted" must be true or false, got ${JSON.stringify(deleted)}`,
        "deleted",
        "wrong-type",
      );
    return {
      docid: checkedId(fields.string(record, idField, { nonEmpty: true }), fields, idField),
      deleted: true,
    };
  };

const DPR_COLUMNS = ["id", "text", "title"] as const;

// DPR's psgs_w100.tsv, read as DPR reads it: csv.reader(f, delimiter="\t"), the header row naming the columns.
const dprParser = (file: string): LineParser<Passage> => {
  let order: { id: number; text: number; title: number } | undefined;
  let names: string[] = [];
  return (text, line, _unterminated, split) => {
    if (split instanceof CorpusError) throw split;
    const parts = split ?? text.split("\t");
    const fields = new Fields(file, line);
    if (order === undefined) {
      names = parts.map((name) => name.trim().toLowerCase());
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
    if (parts.length !== names.length) {
      const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
      const span =
        breaks === 0
          ? ""
          : ` (the record runs from line ${line} to line ${line + breaks}: a quoted field holds line breaks)`;
      const reason = `expected ${names.length} tab-separated columns (${names.join(", ")}), found ${parts.length}${span}`;
      throw fields.error(reason, undefined, "bad-columns");
    }
    const docid = parts[order.id]!;
    if (docid.length === 0) throw fields.error(`field "${names[order.id]}" is empty`, "id", "bad-value");
    return { docid: checkedId(docid, fields, "id"), title: parts[order.title]!, text: parts[order.text]! };
  };
};

const MSMARCO_COLUMNS = ["pid", "text"] as const;

// MS MARCO's collection.tsv as its readers split it: line.split("\t"), no quoting.
const msmarcoParser =
  (file: string): LineParser<Passage> =>
  (text, line) => {
    const parts = text.split("\t");
    const fields = new Fields(file, line);
    fields.columns(parts, MSMARCO_COLUMNS, "tab");
    if (parts[0]!.length === 0) throw fields.error('field "pid" is empty', "pid", "bad-value");
    return { docid: checkedId(parts[0]!, fields, "pid"), title: "", text: parts[1]! };
  };

/** Streams the passages of a corpus file (.gz read transparently), in any of PASSAGE_FORMATS. */
export function readPassages(path: string, options: PassageReadOptions = {}): RecordReader<Passage> {
  return passageReader(path, options, false) as RecordReader<Passage>;
}

/** A deletion in a delta file: `{ "docid": …, "deleted": true }` (`id` for pyserini, `_id` for beir). */
export interface PassageDeletion {
  docid: string;
  deleted: true;
}

/**
 * Streams the records of a delta file: passages, and (in the JSON formats) deletions, records with
 * `"deleted": true` and an id but no title or text.
 */
export function readPassageChanges(
  path: string,
  options: PassageReadOptions = {},
): RecordReader<Passage | PassageDeletion> {
  return passageReader(path, options, true);
}

function passageReader(
  path: string,
  options: PassageReadOptions,
  deletions: boolean,
): RecordReader<Passage | PassageDeletion> {
  checkOptions(
    options,
    [...READ_OPTIONS, ...RANGE_OPTIONS, "duplicates", "format", "fieldSizeLimit"],
    "readPassages",
  );
  const limit = options.fieldSizeLimit ?? TSV_DEFAULTS.fieldSizeLimit;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    const reason = `option "fieldSizeLimit" must be a positive integer, got ${String(options.fieldSizeLimit)}`;
    throw new CorpusError(reason, { file: path, field: "fieldSizeLimit", code: "bad-value" });
  }
  const open = (format: PassageFormat): RecordReader<Passage | PassageDeletion> => {
    const handler = PASSAGE_FORMAT_HANDLERS[format];
    const source = handler.split === "python-csv" ? tsvRecordBatches(limit) : lineSource;
    const parser: (file: string) => LineParser<Passage | PassageDeletion> =
      deletions && "changes" in handler ? handler.changes : handler.parser;
    return createLineReader(path, format, options, ({ file }) => parser(file), source, PASSAGE_IDENTITY);
  };
  if (options.format !== undefined) return open(checkFormat(path, options.format, PASSAGE_FORMATS));
  // an index names the format it was built with: no first line to read
  const indexed = options.index?.format;
  if (indexed !== undefined && Object.hasOwn(PASSAGE_FORMATS, indexed))
    return open(indexed as keyof typeof PASSAGE_FORMATS);
  // an empty file: any format says so (or yields nothing with allowEmpty)
  return detectingReader(path, (first) => open(first ? detectPassageFormat(path, first) : "jsonl"));
}

/** A passage is its docid: a repeated docid is a duplicate, whatever its text (`duplicates` policy). */
const PASSAGE_IDENTITY: RecordIdentity<Passage | PassageDeletion> = {
  field: "docid",
  id: (passage) => passage.docid,
};

export interface PassageWriteOptions extends WriteOptions {
  /** Default: from the extension (.jsonl/.json → jsonl, .tsv → dpr-tsv), ".gz" looked through. */
  format?: PassageFormat;
}

/** Writes passages atomically in any of PASSAGE_FORMATS (gzipped when the path ends with ".gz"). */
export async function writePassages(
  path: string,
  passages: AsyncIterable<Passage> | Iterable<Passage>,
  options: PassageWriteOptions = {},
): Promise<{ records: number }> {
  checkOptions(options, [...WRITE_OPTIONS, "format"], "writePassages");
  const format = resolveFormat(path, options.format, PASSAGE_FORMATS, BY_EXTENSION);
  return PASSAGE_FORMAT_HANDLERS[format].write(path, passages, options);
}

type Passages = AsyncIterable<Passage> | Iterable<Passage>;

/** Writes one JSON object per passage, its keys named by `keys` (id, title, text). */
function jsonWriter(keys: { id: string; title: string; text: string }) {
  return (path: string, passages: Passages, options: WriteOptions): Promise<{ records: number }> =>
    writeLines(
      path,
      passages,
      (passage, line) => {
        const { docid, title, text } = passage;
        if (
          !(
            typeof docid === "string" &&
            docid.length > 0 &&
            typeof title === "string" &&
            typeof text === "string"
          )
        ) {
          // Not a well-formed passage: the checks below throw the error that names the field.
          const check = new OutputCheck(path, line);
          check.string(passage, "docid", { nonEmpty: true });
          check.string(passage, "title");
          check.string(passage, "text");
        }
        return JSON.stringify({ [keys.id]: docid, [keys.title]: title, [keys.text]: text });
      },
      options,
    );
}

function writeDprPassages(
  path: string,
  passages: Passages,
  options: WriteOptions,
): Promise<{ records: number }> {
  return writeLines(
    path,
    passages,
    (passage, line) => {
      const check = new OutputCheck(path, line);
      const docid = check.string(passage, "docid", { nonEmpty: true });
      const title = check.string(passage, "title");
      const text = check.string(passage, "text");
      return `${quoteTsv(docid)}\t${quoteTsv(text)}\t${quoteTsv(title)}`;
    },
    options,
    DPR_COLUMNS.join("\t"),
  );
}

function writeMsmarcoPassages(
  path: string,
  passages: Passages,
  options: WriteOptions,
): Promise<{ records: number }> {
  return writeLines(
    path,
    passages,
    (passage, line) => {
      const check = new OutputCheck(path, line);
      const docid = check.string(passage, "docid", { nonEmpty: true, noBreaks: true });
      const text = check.string(passage, "text", { noBreaks: true });
      if (check.string(passage, "title") !== "")
        throw check.error('field "title": msmarco-tsv has no title column (write jsonl or dpr-tsv)', "title");
      if (docid.includes("\t") || text.includes("\t")) throw check.error("a tab inside a TSV field", "text");
      return `${docid}\t${text}`;
    },
    options,
  );
}

/**
 * How each passage format is read and written. Typed against `PassageFormat`: a format without a handler does
 * not compile.
 */
const PASSAGE_FORMAT_HANDLERS = {
  jsonl: {
    split: "lines",
    parser: jsonParser("docid", "text", true),
    changes: changesParser("docid", "text", true),
    write: jsonWriter({ id: "docid", title: "title", text: "text" }),
  },
  pyserini: {
    split: "lines",
    parser: jsonParser("id", "contents", false),
    changes: changesParser("id", "contents", false),
    write: jsonWriter({ id: "id", title: "title", text: "contents" }),
  },
  beir: {
    split: "lines",
    parser: jsonParser("_id", "text", false),
    changes: changesParser("_id", "text", false),
    write: jsonWriter({ id: "_id", title: "title", text: "text" }),
  },
  "dpr-tsv": { split: "python-csv", parser: dprParser, write: writeDprPassages },
  "msmarco-tsv": { split: "lines", parser: msmarcoParser, write: writeMsmarcoPassages },
} satisfies Record<
  PassageFormat,
  {
    /** How the file is cut into records: lines, or Python-csv records (quoted fields may span lines). */
    split: "lines" | "python-csv";
    parser: (file: string) => LineParser<Passage>;
    /** JSON formats: the parser of delta files, which also reads deletions. */
    changes?: (file: string) => LineParser<Passage | PassageDeletion>;
    write: (path: string, passages: Passages, options: WriteOptions) => Promise<{ records: number }>;
  }
>;
