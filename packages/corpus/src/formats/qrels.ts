import { Fields } from "../read/fields.js";
import { createLineReader, type ReadOptions, type RecordReader } from "../read/reader.js";
import type { QrelsRow } from "../types.js";
import { OutputCheck, type WriteOptions, writeLines } from "../write.js";

const QREL_COLUMNS = ["qid", "iteration", "docid", "relevance"] as const;

/** Streams TREC qrels: `qid iteration docid relevance`, whitespace-separated. */
export function readQrels(path: string, options: ReadOptions = {}): RecordReader<QrelsRow> {
  return createLineReader(path, "trec", options, (context) => (text, line) => {
    const fields = new Fields(context.file, line);
    const parts = text.trim().split(/\s+/);
    fields.columns(parts, QREL_COLUMNS, "whitespace");
    return {
      qid: parts[0]!,
      docid: parts[2]!,
      relevance: fields.integer(parts[3]!, "relevance"),
      iteration: parts[1]!,
    };
  });
}

/** Writes TREC qrels atomically (iteration defaults to "0"). */
export function writeQrels(
  path: string,
  rows: AsyncIterable<QrelsRow> | Iterable<QrelsRow>,
  options: WriteOptions = {},
): Promise<{ records: number }> {
  return writeLines(
    path,
    rows,
    (row, line) => {
      const check = new OutputCheck(path, line);
      const qid = check.string(row, "qid", { nonEmpty: true, noSpace: true });
      const docid = check.string(row, "docid", { nonEmpty: true, noSpace: true });
      const iteration =
        row.iteration === undefined ? "0" : check.string(row, "iteration", { nonEmpty: true, noSpace: true });
      return `${qid} ${iteration} ${docid} ${check.number(row, "relevance", { integer: true })}`;
    },
    options,
  );
}
