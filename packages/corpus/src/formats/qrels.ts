import { Fields } from "../read/fields.js";
import { createLineReader, type ReadOptions, type RecordReader } from "../read/reader.js";
import type { QrelsRow } from "../types.js";
import { OutputCheck, type WriteOptions, writeLines } from "../write.js";

const QREL_COLUMNS = ["qid", "iteration", "docid", "relevance"] as const;

/**
 * Streams TREC qrels: `qid iteration docid relevance`, whitespace-separated. A document judged twice for one
 * query is refused (`duplicate-id`, naming both lines), as trec_eval refuses it.
 */
export function readQrels(path: string, options: ReadOptions = {}): RecordReader<QrelsRow> {
  return createLineReader(path, "trec", options, (context) => {
    // query → docid → the line it was judged on
    const judged = new Map<string, Map<string, number>>();
    return (text, line) => {
      const fields = new Fields(context.file, line);
      const parts = text.trim().split(/\s+/);
      fields.columns(parts, QREL_COLUMNS, "whitespace");
      const qid = parts[0]!;
      const docid = parts[2]!;
      const relevance = fields.integer(parts[3]!, "relevance");
      let lines = judged.get(qid);
      if (lines === undefined) {
        lines = new Map();
        judged.set(qid, lines);
      }
      const first = lines.get(docid);
      if (first !== undefined) {
        const reason = `document ${JSON.stringify(docid)} is judged twice for query ${JSON.stringify(qid)} (lines ${first} and ${line}); trec_eval refuses qrels that repeat a judgment`;
        throw fields.error(reason, "docid", "duplicate-id");
      }
      lines.set(docid, line);
      return { qid, docid, relevance, iteration: parts[1]! };
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
