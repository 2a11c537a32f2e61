import {
  type XorSubmissionEntry as CoreXorSubmissionEntry,
  parseXorEntry as parseXorElement,
  type Run,
  rankedDocids,
  scoreOfRank,
  writeTextAtomic,
} from "@xqg/core";
import { CorpusError, corpusError } from "../errors.js";
import { type Lang, type LanguageNames, type LanguageSet, languageSet } from "../languages.js";
import { Fields } from "../read/fields.js";
import { jsonArrayUnits } from "../read/json-array.js";
import {
  createLineReader,
  type LineParser,
  type ParseContext,
  type ReadOptions,
  type RecordReader,
} from "../read/reader.js";
import type { RunRow } from "../types.js";
import { OutputCheck, type WriteOptions, writeLines } from "../write.js";
import { resolveFormat } from "./resolve.js";

/** Run formats. */
export const RUN_FORMATS = {
  trec: "TREC run: qid Q0 docid rank score tag (whitespace-separated)",
  tevatron: "Tevatron TSV: qid<TAB>docid<TAB>score (or rank, see `column`)",
  xor: "XOR-TyDi submission JSON [{id, lang, ctxs: [passage text, ...]}] (what eval_xor_retrieve.py reads)",
} as const;
export type RunFormat = keyof typeof RUN_FORMATS;
const BY_EXTENSION: Record<string, RunFormat> = {
  trec: "trec",
  run: "trec",
  txt: "trec",
  tsv: "tevatron",
  json: "xor",
};

export interface RunReadOptions extends ReadOptions {
  /** Default from the extension: .trec/.run/.txt → trec, .tsv → tevatron, .json → xor. */
  format?: RunFormat;
  /**
   * Tevatron only: what the third column holds. "score" (default, what Tevatron's search writes): rank is
   * the position within each query's block of lines. "rank" (MS MARCO style): score is −rank.
   */
  column?: "score" | "rank";
  /** XOR only: the languages entries may be in, ISO 639-1 code → English name; default LANGUAGES. */
  languages?: LanguageNames;
}

/** The options of {@link readXorSubmission}. */
export interface XorReadOptions<L extends string = Lang> extends ReadOptions {
  /** The languages entries may be in, ISO 639-1 code → English name; default LANGUAGES. */
  languages?: LanguageNames<L>;
}

/** One query's entry of an XOR-TyDi submission (`{ id, lang, ctxs }`, passage texts best first). */
export type XorSubmissionEntry<L extends string = Lang> = CoreXorSubmissionEntry<L>;

const TREC_COLUMNS = ["qid", "Q0", "docid", "rank", "score", "tag"] as const;

const trecParser =
  (context: ParseContext): LineParser<RunRow> =>
  (text, line) => {
    const fields = new Fields(context.file, line);
    const parts = text.trim().split(/\s+/);
    fields.columns(parts, TREC_COLUMNS, "whitespace");
    return {
      qid: parts[0]!,
      docid: parts[2]!,
      rank: fields.integer(parts[3]!, "rank"),
      score: fields.number(parts[4]!, "score"),
    };
  };

const tevatronParser = (context: ParseContext, column: "score" | "rank"): LineParser<RunRow> => {
  let qid = "";
  let position = 0;
  return (text, line) => {
    const fields = new Fields(context.file, line);
    const parts = text.split("\t");
    fields.columns(parts, ["qid", "docid", column], "tab");
    const row = { qid: parts[0]!, docid: parts[1]! };
    if (column === "rank") {
      const rank = fields.integer(parts[2]!, "rank");
      return { ...row, rank, score: -rank };
    }
    position = row.qid === qid ? position + 1 : 1;
    qid = row.qid;
    return { ...row, rank: position, score: fields.number(parts[2]!, "score") };
  };
};

// The checks are @xqg/core's (one XOR reader); languages are read as this package reads them everywhere.
function parseXorEntry<L extends string>(
  context: ParseContext,
  text: string,
  line: number,
  languages: LanguageSet,
): XorSubmissionEntry<L> {
  return parseXorElement<L>(text, context.file, line, {
    lang: (value, at) => new Fields(context.file, at).lang<L>(value, "lang", context, languages),
    error: corpusError,
  });
}

/** Streams an XOR-TyDi submission file entry by entry (the file is never loaded whole). */
export function readXorSubmission<L extends string = Lang>(
  path: string,
  options: XorReadOptions<L> = {},
): RecordReader<XorSubmissionEntry<L>> {
  const languages = languageSet(options.languages, path);
  return createLineReader(
    path,
    "xor",
    options,
    (context) => (text, line) => parseXorEntry<L>(context, text, line, languages),
    jsonArrayUnits,
  );
}

/**
 * Reads a run file into a `Run` (query id → docid → score, @xqg/core's). The rank column of a TREC run is
 * ignored, as trec_eval ignores it; a Tevatron file with `column: "rank"` and an XOR submission (whose "docids"
 * are the passage texts) score each document `scoreOfRank(rank)`, −rank. A (query, docid) pair that repeats
 * keeps its best score.
 */
export async function readRun(path: string, options: RunReadOptions = {}): Promise<Run> {
  const run = new Map<string, Map<string, number>>();
  for await (const row of readRunRows(path, options)) {
    let scores = run.get(row.qid);
    if (scores === undefined) {
      scores = new Map();
      run.set(row.qid, scores);
    }
    const seen = scores.get(row.docid);
    if (seen === undefined || row.score > seen) scores.set(row.docid, row.score);
  }
  return run;
}

/** Streams the rows of a run file (what `readRun` collects). */
export function readRunRows(path: string, options: RunReadOptions = {}): RecordReader<RunRow> {
  const format = resolveFormat(path, options.format, RUN_FORMATS, BY_EXTENSION);
  return RUN_FORMAT_HANDLERS[format].read(path, options);
}

function readTrecRun(path: string, options: RunReadOptions): RecordReader<RunRow> {
  return createLineReader(path, "trec", options, trecParser);
}

function readTevatronRun(path: string, options: RunReadOptions): RecordReader<RunRow> {
  const column = options.column ?? "score";
  return createLineReader(path, "tevatron", options, (context) => tevatronParser(context, column));
}

function readXorRun(path: string, options: RunReadOptions): RecordReader<RunRow> {
  const entries = readXorSubmission(path, options);
  return {
    path,
    format: "xor",
    // Counts are per submission entry (query), not per row.
    get stats() {
      return entries.stats;
    },
    async *[Symbol.asyncIterator]() {
      for await (const entry of entries) {
        for (let i = 0; i < entry.ctxs.length; i++) {
          yield { qid: entry.id, docid: entry.ctxs[i]!, rank: i + 1, score: scoreOfRank(i + 1) };
        }
      }
    },
  };
}

export interface RunWriteOptions extends WriteOptions {
  /** Default from the extension, as for reading. */
  format?: RunFormat;
  /** TREC run tag (last column). Default "xqg". */
  tag?: string;
  /** Tevatron only: write the score (default) or the rank as the third column. */
  column?: "score" | "rank";
  /** XOR only: the language of each query (required). */
  queryLang?: (qid: string) => Lang | undefined;
  /** XOR only: the text of each passage, which the official evaluation reads (required). */
  passageText?: (docid: string) => string | undefined;
}

function checkRow(row: RunRow, check: OutputCheck, separator: "space" | "tab"): void {
  const noSpace = separator === "space";
  check.string(row, "qid", { nonEmpty: true, noSpace, noBreaks: true });
  check.string(row, "docid", { nonEmpty: true, noSpace, noBreaks: true });
  if (!noSpace && (row.qid.includes("\t") || row.docid.includes("\t")))
    throw check.error("a tab inside a TSV field", "docid");
  check.number(row, "rank", { integer: true });
  check.number(row, "score");
}

type RunRows = AsyncIterable<RunRow> | Iterable<RunRow>;

/**
 * Writes a run atomically: TREC, Tevatron TSV or XOR-TyDi submission JSON. Queries in the run's order, each
 * query's documents ranked as trec_eval ranks them (score descending, ties by docid descending), rank from 1.
 * `records` counts the rows written.
 */
export async function writeRun(
  path: string,
  run: Run,
  options: RunWriteOptions = {},
): Promise<{ records: number }> {
  if (!(run instanceof Map))
    throw new CorpusError("the run must be a Map of query id → Map of docid → score (@xqg/core's Run)", {
      file: path,
      field: "run",
      code: "wrong-type",
    });
  const format = resolveFormat(path, options.format, RUN_FORMATS, BY_EXTENSION);
  return RUN_FORMAT_HANDLERS[format].write(path, runRows(run), options);
}

/** A run's rows in the order they are written. */
function* runRows(run: Run): Generator<RunRow> {
  for (const [qid, scores] of run) {
    let rank = 0;
    for (const docid of rankedDocids(scores)) yield { qid, docid, rank: ++rank, score: scores.get(docid)! };
  }
}

function writeTrecRun(path: string, rows: RunRows, options: RunWriteOptions): Promise<{ records: number }> {
  const tag = options.tag ?? "xqg";
  if (!/^\S+$/.test(tag))
    throw new CorpusError(`tag ${JSON.stringify(tag)} must be one word`, {
      file: path,
      field: "tag",
      code: "bad-value",
    });
  return writeLines(
    path,
    rows,
    (row, line) => {
      checkRow(row, new OutputCheck(path, line), "space");
      return `${row.qid} Q0 ${row.docid} ${row.rank} ${row.score} ${tag}`;
    },
    options,
  );
}

function writeTevatronRun(
  path: string,
  rows: RunRows,
  options: RunWriteOptions,
): Promise<{ records: number }> {
  const rankColumn = options.column === "rank";
  return writeLines(
    path,
    rows,
    (row, line) => {
      checkRow(row, new OutputCheck(path, line), "tab");
      return `${row.qid}\t${row.docid}\t${rankColumn ? row.rank : row.score}`;
    },
    options,
  );
}

async function writeXorSubmission(
  path: string,
  rows: RunRows,
  options: RunWriteOptions,
): Promise<{ records: number }> {
  const { queryLang, passageText } = options;
  if (!queryLang || !passageText) {
    const reason =
      "the XOR format needs queryLang and passageText (the submission holds languages and passage texts)";
    throw new CorpusError(reason, {
      file: path,
      field: queryLang ? "passageText" : "queryLang",
      code: "missing-field",
    });
  }
  let count = 0;
  async function* pieces(): AsyncGenerator<string> {
    const done = new Set<string>();
    let current: RunRow[] = [];
    let entries = 0;
    const flush = (): string => {
      const first = current[0]!;
      const qid = first.qid;
      if (done.has(qid))
        throw new CorpusError(`rows of query "${qid}" are not contiguous`, {
          file: path,
          field: "qid",
          code: "bad-value",
        });
      done.add(qid);
      const lang = queryLang!(qid);
      if (lang === undefined)
        throw new CorpusError(`no language for query "${qid}"`, {
          file: path,
          field: "lang",
          code: "missing-field",
        });
      const ctxs = [...current]
        .sort((a, b) => a.rank - b.rank)
        .map((row) => {
          const text = passageText!(row.docid);
          if (text === undefined)
            throw new CorpusError(`no text for passage "${row.docid}"`, {
              file: path,
              field: "ctxs",
              code: "missing-field",
            });
          return text;
        });
      return `${entries++ === 0 ? "[\n" : ",\n"}${JSON.stringify({ id: qid, lang, ctxs })}`;
    };
    for await (const row of rows) {
      checkRow(row, new OutputCheck(path, count + 1), "tab");
      count++;
      if (current.length > 0 && current[0]!.qid !== row.qid) {
        yield flush();
        current = [];
      }
      current.push(row);
    }
    if (current.length > 0) yield flush();
    yield entries === 0 ? "[]\n" : "\n]\n";
  }
  await writeTextAtomic(path, pieces(), options);
  return { records: count };
}

/** How each run format is read and written. Typed against `RunFormat`: a format without a handler does not compile. */
interface RunFormatHandler {
  read(path: string, options: RunReadOptions): RecordReader<RunRow>;
  write(path: string, rows: RunRows, options: RunWriteOptions): Promise<{ records: number }>;
}

const RUN_FORMAT_HANDLERS = {
  trec: { read: readTrecRun, write: writeTrecRun },
  tevatron: { read: readTevatronRun, write: writeTevatronRun },
  xor: { read: readXorRun, write: writeXorSubmission },
} satisfies Record<RunFormat, RunFormatHandler>;
