import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import {
  type XorSubmissionEntry as CoreXorSubmissionEntry,
  checkOptions,
  parseXorEntry as parseXorElement,
  type Run,
  rankedDocids,
  scoreOfRank,
  writeTextAtomic,
} from "@xqg/core";
import { CorpusError, type CorpusErrorFix, corpusError } from "../errors.js";
import { type Lang, type LanguageNames, type LanguageSet, languageSet } from "../languages.js";
import { Fields } from "../read/fields.js";
import { jsonArrayUnits } from "../read/json-array.js";
import { type FirstLine, firstLine, ioError, MAX_LINE_CHARS, textChunks } from "../read/lines.js";
import {
  createLineReader,
  type ParseContext,
  READ_OPTIONS,
  type ReadOptions,
  type RecordReader,
} from "../read/reader.js";
import type { RunRow } from "../types.js";
import { OutputCheck, type WriteOptions, writeLines } from "../write.js";
import { checkFormat, formatFix, resolveFormat } from "./resolve.js";

/** Run formats. */
export const RUN_FORMATS = {
  trec: "TREC run: qid Q0 docid rank score tag (whitespace-separated; what trec_eval reads)",
  tevatron: "Tevatron TSV: qid<TAB>docid<TAB>score (rank: the position within each query's block of lines)",
  msmarco: "MS MARCO TSV: qid<TAB>pid<TAB>rank (rank from 1; scored scoreOfRank(rank), as @xqg/core's)",
  xor: "XOR-TyDi submission JSON [{id, lang, ctxs: [passage text, ...]}] (what eval_xor_retrieve.py reads)",
} as const;
export type RunFormat = keyof typeof RUN_FORMATS;
/** What writing a run picks from the file name (reading tells the format from the content). */
const BY_EXTENSION: Record<string, RunFormat> = {
  trec: "trec",
  run: "trec",
  res: "trec",
  txt: "trec",
  tsv: "tevatron",
  json: "xor",
};

export interface RunReadOptions extends ReadOptions {
  /**
   * The file's format. Default: told from the content: `[` opens an XOR submission, six columns with `Q0` a TREC
   * run, three tab-separated columns Tevatron (a score) or MS MARCO (a rank), decided by the first query's
   * rows: positive integers increasing from one row to the next are ranks, decreasing or fractional values
   * scores. Where that cannot be told (a single row of `1`), the read fails naming `format`.
   */
  format?: RunFormat;
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

function positiveRank(fields: Fields, text: string): number {
  const rank = fields.integer(text, "rank");
  if (rank < 1)
    throw fields.error(`field "rank" must be 1 or more, got ${JSON.stringify(text)}`, "rank", "bad-value");
  return rank;
}

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
 * Reads a run file into a `Run` (query id → docid → score, @xqg/core's); `"-"` reads standard input. The format
 * is told from the content unless `format` names it (see {@link RunReadOptions}). The rank column of a TREC run
 * is ignored, as trec_eval ignores it; an MS MARCO file and an XOR submission (whose "docids" are the passage
 * texts) score each document `scoreOfRank(rank)`, −rank. A document listed twice for one query is refused
 * (`duplicate-id`, naming both lines), as trec_eval refuses it; an XOR submission's repeated passage text keeps
 * its best rank, as eval_xor_retrieve.py reads it.
 */
export async function readRun(path: string, options: RunReadOptions = {}): Promise<Run> {
  checkOptions(options, [...READ_OPTIONS, "format", "languages"], "readRun");
  if (path !== STDIN) return readRunFile(path, path, options);
  const dir = await mkdtemp(join(tmpdir(), "xqg-stdin-"));
  try {
    const copy = join(dir, "stdin");
    await pipeline(process.stdin, createWriteStream(copy));
    return await readRunFile(copy, STDIN_NAME, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const STDIN = "-";
/** How errors name standard input. */
const STDIN_NAME = "<stdin>";

type LineFormat = "trec" | "tevatron" | "msmarco";

async function readRunFile(source: string, name: string, options: RunReadOptions): Promise<Run> {
  let format: RunFormat | "3-column" | undefined =
    options.format === undefined ? undefined : checkFormat(name, options.format, RUN_FORMATS);
  if (format === undefined) {
    const first = await firstLine(source).catch((error: unknown) => {
      throw renamed(ioError(source, error, 0), source, name);
    });
    if (first === undefined) {
      if (options.allowEmpty) return new Map();
      throw new CorpusError("file is empty (no records)", {
        file: name,
        code: "empty-file",
      });
    }
    format = detectRunFormat(name, first);
  }
  if (format === "xor") {
    const run = new Map<string, Map<string, number>>();
    try {
      for await (const row of readXorRun(source, options)) {
        const scores = getScores(run, row.qid);
        const seen = scores.get(row.docid);
        if (seen === undefined || row.score > seen) scores.set(row.docid, row.score);
      }
    } catch (error) {
      throw renamed(error, source, name);
    }
    return run;
  }
  return new LineRunReader(source, name, format, options).read();
}

function getScores(run: Map<string, Map<string, number>>, qid: string): Map<string, number> {
  let scores = run.get(qid);
  if (scores === undefined) {
    scores = new Map();
    run.set(qid, scores);
  }
  return scores;
}

/** The same error, naming `name` instead of the file read (standard input is read from a copy). */
function renamed(error: unknown, source: string, name: string): unknown {
  if (!(error instanceof CorpusError) || source === name) return error;
  return new CorpusError(error.reason, {
    file: name,
    line: error.line,
    field: error.field,
    code: error.code,
    cause: error,
  });
}

/** The format a run's first line names: XOR's `[`, TREC's six columns with Q0, or three tab-separated columns. */
function detectRunFormat(name: string, first: FirstLine): RunFormat | "3-column" {
  const text = first.text.trim();
  if (text.startsWith("[")) return "xor";
  const tabs = first.text.split("\t");
  if (tabs.length === 3) return "3-column";
  const parts = text.split(/\s+/);
  if (parts.length === 6 && parts[1] === "Q0") return "trec";
  const seen =
    parts.length === 6
      ? `six columns, but the second is ${JSON.stringify(parts[1])}, not Q0`
      : `${tabs.length > 1 ? `${tabs.length} tab-separated` : `${parts.length} whitespace-separated`} columns`;
  const reason = `cannot tell the run format from this line (${seen}): expected TREC's \`qid Q0 docid rank score tag\`, three tab-separated columns (Tevatron, MS MARCO) or an XOR submission's \`[\``;
  return fail(reason, name, first.line, "format", formatFix(RUN_FORMATS));
}

function fail(
  reason: string,
  file: string,
  line: number | undefined,
  field = "format",
  fix?: CorpusErrorFix,
): never {
  throw new CorpusError(reason, { file, line, code: "bad-value", field, fix });
}

const RANK_TEXT = /^[1-9][0-9]*$/;
const INTEGER_TEXT = /^-?[0-9]+$/;

/**
 * Whether the third column of a query's rows (in file order) holds ranks (MS MARCO) or scores (Tevatron): ranks
 * are 1, then integers increasing from row to row; fractional values, values that never increase, or one row of
 * an integer other than 1 are scores. Undefined when it cannot be told (one row of 1, integers in no order).
 */
function thirdColumnOf(values: readonly string[]): LineFormat | undefined {
  const texts = values.map((v) => v.trim());
  if (texts.some((v) => !INTEGER_TEXT.test(v))) return "tevatron";
  const numbers = texts.map(Number);
  const increasing = numbers.every((n, i) => i === 0 || n > numbers[i - 1]!);
  if (numbers.length > 1 && numbers[0] === 1 && increasing && texts.every((v) => RANK_TEXT.test(v)))
    return "msmarco";
  if (numbers.length > 1 && numbers.every((n, i) => i === 0 || n <= numbers[i - 1]!)) return "tevatron";
  if (numbers.length === 1 && numbers[0] !== 1) return "tevatron";
  return undefined;
}

/** A repeated (query, docid) pair, found on the first read (the second names the line it first came on). */
class DuplicateRow {
  constructor(
    readonly qid: string,
    readonly docid: string,
    readonly line: number,
  ) {}
}

const TREC_NAMES = ["qid", "Q0", "docid", "rank", "score", "tag"];
const TEVATRON_NAMES = ["qid", "docid", "score"];
const MSMARCO_NAMES = ["qid", "pid", "rank"];

/**
 * The line formats' reader, written for speed (a 7M-line run is read in a few seconds): one pass over the text,
 * fields cut with `split` on the one separator, the `Run` built as it goes. A repeated (query, docid) pair is
 * refused; the file is then read again to name the line the pair first came on.
 */
class LineRunReader {
  readonly #run = new Map<string, Map<string, number>>();
  #format: LineFormat | undefined;
  /** The first query's rows, held while a 3-column file's third column is told apart. */
  #block: Array<{ parts: string[]; line: number }> = [];
  #qid: string | undefined;
  #scores: Map<string, number> | undefined;
  #line = 0;
  /** Set on the second read, which looks for the line a repeated pair first came on. */
  #find: { qid: string; docid: string; found?: number } | undefined;

  constructor(
    private readonly source: string,
    private readonly name: string,
    private readonly initial: RunFormat | "3-column",
    private readonly options: RunReadOptions,
  ) {
    this.#format = initial === "3-column" ? undefined : (initial as LineFormat);
  }

  async read(): Promise<Run> {
    try {
      await this.#pass();
    } catch (error) {
      if (!(error instanceof DuplicateRow)) throw renamed(error, this.source, this.name);
      const { qid, docid, line } = error;
      const second = new LineRunReader(this.source, this.name, this.#format ?? this.initial, this.options);
      second.#find = { qid, docid };
      await second.#pass();
      const first = second.#find.found;
      const reason = `document ${JSON.stringify(docid)} is listed twice for query ${JSON.stringify(qid)} (lines ${first} and ${line}); trec_eval refuses a run that repeats a document`;
      throw new CorpusError(reason, { file: this.name, line, field: "docid", code: "duplicate-id" });
    }
    if (this.#run.size === 0 && !this.options.allowEmpty)
      throw new CorpusError("file is empty (no records)", {
        file: this.name,
        code: "empty-file",
      });
    return this.#run;
  }

  async #pass(): Promise<void> {
    let pending = "";
    this.#line = 0;
    for await (const chunk of textChunks(this.source, () => this.#line)) {
      const text = pending.length > 0 ? pending + chunk : chunk;
      // TREC lines of a chunk without tabs are cut in place (no string per line): most of a big run
      const inPlace = this.#format === "trec" && this.#find === undefined && text.indexOf("\t") < 0;
      let start = 0;
      for (;;) {
        const end = text.indexOf("\n", start);
        if (end < 0) break;
        this.#line++;
        const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        if (!(inPlace && this.#trecAt(text, start, stop)) && this.#lineDone(text.slice(start, stop))) return;
        start = end + 1;
      }
      pending = text.slice(start);
      if (pending.length > MAX_LINE_CHARS)
        fail(
          `line is longer than ${MAX_LINE_CHARS} characters: not a record`,
          this.name,
          this.#line + 1,
          "line",
        );
    }
    if (pending.length > 0) {
      this.#line++;
      if (this.#lineDone(pending)) return;
    }
    if (this.#format === undefined && this.#block.length > 0) this.#decide();
  }

  /**
   * A TREC line `q Q0 d 1 0.5 tag` with single spaces, read from `text` between `start` and `end` without cutting
   * the line out; false for any other line (blank, other spacing, a bad field), which `#lineDone` then reads.
   */
  #trecAt(text: string, start: number, end: number): boolean {
    const a = text.indexOf(" ", start);
    const b = text.indexOf(" ", a + 1);
    const c = text.indexOf(" ", b + 1);
    const d = text.indexOf(" ", c + 1);
    const e = text.indexOf(" ", d + 1);
    if (!(a > start && b > a + 1 && c > b + 1 && d > c + 1 && e > d + 1 && e + 1 < end)) return false;
    const f = text.indexOf(" ", e + 1);
    if (f >= 0 && f < end) return false;
    // the rank: digits (after an optional sign), checked in place; anything else is read by #lineDone
    let i = text.charCodeAt(c + 1) === 45 ? c + 2 : c + 1;
    if (i === d || d - i > 15) return false;
    for (; i < d; i++) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) return false;
    }
    const score = Number(text.slice(d + 1, e));
    if (Number.isNaN(score)) return false;
    // the query of the line before, most of the time: its string is reused, not cut again
    const current = this.#qid;
    const qid =
      current !== undefined && a - start === current.length && text.startsWith(current, start)
        ? current
        : text.slice(start, a);
    this.#add(qid, text.slice(b + 1, c), score, this.#line);
    return true;
  }

  /** Handles one line; true when the search for a repeated pair's first line is over. */
  #lineDone(text: string): boolean {
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) return false;
    const line = this.#line;
    try {
      this.#row(text, line);
    } catch (error) {
      if (this.options.onError !== "skip" || !(error instanceof CorpusError) || this.#find !== undefined)
        throw error;
      this.options.onSkip?.(error);
    }
    return this.#find?.found !== undefined;
  }

  #row(text: string, line: number): void {
    const format = this.#format;
    if (format === "trec") {
      // the common line, `q Q0 d 1 0.5 tag` with single spaces, is cut without building an array
      const a = text.indexOf(" ");
      const b = text.indexOf(" ", a + 1);
      const c = text.indexOf(" ", b + 1);
      const d = text.indexOf(" ", c + 1);
      const e = text.indexOf(" ", d + 1);
      if (
        a > 0 &&
        b > a + 1 &&
        c > b + 1 &&
        d > c + 1 &&
        e > d + 1 &&
        e + 1 < text.length &&
        text.indexOf(" ", e + 1) < 0 &&
        text.indexOf("\t") < 0
      ) {
        const rankText = text.slice(c + 1, d);
        const rank = Number(rankText);
        if (!Number.isSafeInteger(rank)) new Fields(this.name, line).integer(rankText, "rank");
        const score = this.#number(text.slice(d + 1, e), "score", line);
        this.#add(text.slice(0, a), text.slice(b + 1, c), score, line);
        return;
      }
      const parts = text.trim().split(/\s+/);
      if (parts.length !== 6) this.#columns(TREC_NAMES, "whitespace", parts.length, line);
      new Fields(this.name, line).integer(parts[3]!, "rank");
      this.#add(parts[0]!, parts[2]!, this.#number(parts[4]!, "score", line), line);
      return;
    }
    const parts = text.split("\t");
    if (format === undefined) {
      if (parts.length !== 3) this.#columns(["qid", "docid", "score or rank"], "tab", parts.length, line);
      const block = this.#block;
      if (block.length === 0 || block[0]!.parts[0] === parts[0]) {
        block.push({ parts, line });
        return;
      }
      this.#decide();
      this.#row(text, line);
      return;
    }
    if (parts.length !== 3)
      this.#columns(format === "msmarco" ? MSMARCO_NAMES : TEVATRON_NAMES, "tab", parts.length, line);
    if (format === "tevatron") {
      this.#add(parts[0]!, parts[1]!, this.#number(parts[2]!, "score", line), line);
      return;
    }
    const text3 = parts[2]!;
    const rank = Number(text3);
    if (!(rank >= 1) || !Number.isSafeInteger(rank) || text3.trim() === "")
      positiveRank(new Fields(this.name, line), text3);
    this.#add(parts[0]!, parts[1]!, scoreOfRank(rank), line);
  }

  /** Tells a 3-column file's format from the first query's rows, then reads them. */
  #decide(): void {
    const block = this.#block;
    const format = thirdColumnOf(block.map((row) => row.parts[2]!));
    if (format === undefined) {
      const first = block[0]!;
      const lines = block.length === 1 ? `line ${first.line}` : `lines ${first.line}–${block.at(-1)!.line}`;
      const values =
        block.length === 1
          ? `one row, of ${first.parts[2]}`
          : `${block
              .map((r) => r.parts[2])
              .slice(0, 5)
              .join(", ")}${block.length > 5 ? ", …" : ""}`;
      fail(
        `cannot tell whether the third column is a rank (MS MARCO) or a score (Tevatron) from query ${JSON.stringify(first.parts[0])} (${lines}: ${values})`,
        this.name,
        first.line,
        "format",
        formatFix(RUN_FORMATS),
      );
    }
    this.#format = format;
    this.#block = [];
    for (const row of block) this.#row(row.parts.join("\t"), row.line);
  }

  #columns(names: readonly string[], separator: string, found: number, line: number): never {
    const reason = `expected ${names.length} ${separator}-separated columns (${names.join(", ")}), found ${found}`;
    throw new CorpusError(reason, { file: this.name, line, code: "bad-columns" });
  }

  #number(text: string, field: string, line: number): number {
    const value = Number(text);
    if (Number.isNaN(value) || text.trim() === "") new Fields(this.name, line).number(text, field);
    return value;
  }

  #add(qid: string, docid: string, score: number, line: number): void {
    const find = this.#find;
    if (find !== undefined) {
      if (find.found === undefined && qid === find.qid && docid === find.docid) find.found = line;
      return;
    }
    let scores = this.#scores;
    if (qid !== this.#qid) {
      scores = getScores(this.#run, qid);
      this.#qid = qid;
      this.#scores = scores;
    }
    const size = scores!.size;
    scores!.set(docid, score);
    if (scores!.size === size) this.#duplicate(qid, docid, line);
  }

  #duplicate(qid: string, docid: string, line: number): never {
    throw new DuplicateRow(qid, docid, line);
  }
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
  return RUN_WRITERS[format](path, runRows(run), options);
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

function writeTabRun(
  path: string,
  rows: RunRows,
  options: RunWriteOptions,
  third: "score" | "rank",
): Promise<{ records: number }> {
  return writeLines(
    path,
    rows,
    (row, line) => {
      checkRow(row, new OutputCheck(path, line), "tab");
      return `${row.qid}\t${row.docid}\t${row[third]}`;
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

/** How each run format is written. Typed against `RunFormat`: a format without a writer does not compile. */
type RunWriter = (path: string, rows: RunRows, options: RunWriteOptions) => Promise<{ records: number }>;

const RUN_WRITERS = {
  trec: writeTrecRun,
  tevatron: (path, rows, options) => writeTabRun(path, rows, options, "score"),
  msmarco: (path, rows, options) => writeTabRun(path, rows, options, "rank"),
  xor: writeXorSubmission,
} satisfies Record<RunFormat, RunWriter>;
