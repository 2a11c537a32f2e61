import { checkOptions, streamIds } from "@xqg/core";
import { CorpusError } from "../errors.js";
import {
  type PassageDeletion,
  type PassageFormat,
  type PassageReadOptions,
  readPassageChanges,
  readPassages,
} from "../formats/passages.js";
import type { ReadStats, RecordReader } from "../read/reader.js";
import type { Passage } from "../types.js";

/**
 * One change file over a base corpus: a corpus file in any passage format (a path, or `{ path, format }`) whose
 * records replace or add passages and whose `{ "docid": …, "deleted": true }` records delete them, or
 * `{ deletes }`, a plain list of docids to delete, one per line.
 */
export type PassageDelta = string | { path: string; format?: PassageFormat } | { deletes: string };

/** What the deltas say about one docid, after all of them. */
interface Change {
  /** Its passage after the last delta, or null when the last word was a deletion. */
  passage: Passage | null;
  /** A deletion came at some point: the passage leaves its base position. */
  deleted: boolean;
  /** When it was (re)inserted: the first put after its last deletion, or its first put; orders appends. */
  order: number;
  /** Seen in the base corpus. */
  inBase: boolean;
}

const DELTA_READ_OPTIONS = [
  "onError",
  "onSkip",
  "onWarning",
  "duplicates",
  "fieldSizeLimit",
  "languages",
] as const;

/**
 * The effective corpus of a base file and delta files, as one stream of passages. The deltas are applied in
 * the order given, each as if to the corpus the previous ones left: a record whose docid is in the corpus
 * replaces that passage where it stands (base position, or where an earlier delta appended it); a new docid is
 * appended at the end; a deletion removes the passage (deleting an absent docid does nothing); a docid deleted
 * and then given again is appended at the end at that point. So the order is: the base passages in base order,
 * with replaced texts in place and deleted ones left out, then the passages the deltas added, in the order they
 * were (last) added. The deltas are read first and held in memory (their passages and one entry per docid
 * they name); the base file is streamed once per iteration. `options` apply to the base file (except `range`
 * and `index`: positions shift, so shard with `shard().records()`); the delta files are read with the same
 * `duplicates`, `onError`, `onSkip`, `onWarning` and `fieldSizeLimit`, their format told from their content
 * unless given, and may be empty.
 */
export function readPassagesWithDeltas(
  base: string,
  deltas: readonly PassageDelta[],
  options: PassageReadOptions = {},
): RecordReader<Passage> {
  checkOptions(
    options,
    ["onError", "onSkip", "onWarning", "allowEmpty", "duplicates", "format", "fieldSizeLimit"],
    "readPassagesWithDeltas",
  );
  if (!Array.isArray(deltas))
    throw new CorpusError("deltas must be an array of delta files", {
      file: base,
      code: "bad-value",
      field: "deltas",
    });
  const deltaOptions: PassageReadOptions = { allowEmpty: true };
  for (const name of DELTA_READ_OPTIONS) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) (deltaOptions as Record<string, unknown>)[name] = value;
  }
  const baseReader = readPassages(base, options);
  let stats: ReadStats = { records: 0, skipped: 0, duplicates: 0, warnings: 0, lines: 0 };
  const add = (from: Readonly<ReadStats>) => {
    stats.skipped += from.skipped;
    stats.duplicates += from.duplicates;
    stats.warnings += from.warnings;
    stats.lines += from.lines;
  };

  async function loadChanges(): Promise<Map<string, Change>> {
    const changes = new Map<string, Change>();
    let order = 0;
    const put = (passage: Passage) => {
      const change = changes.get(passage.docid);
      if (change === undefined)
        changes.set(passage.docid, { passage, deleted: false, order: order++, inBase: false });
      else {
        if (change.passage === null) change.order = order++;
        change.passage = passage;
      }
    };
    const remove = (docid: string) => {
      const change = changes.get(docid);
      if (change === undefined)
        changes.set(docid, { passage: null, deleted: true, order: -1, inBase: false });
      else {
        change.passage = null;
        change.deleted = true;
      }
    };
    for (const delta of deltas) {
      if (typeof delta === "object" && delta !== null && "deletes" in delta) {
        for await (const docid of streamIds(delta.deletes)) remove(docid);
        continue;
      }
      const path = typeof delta === "string" ? delta : delta?.path;
      if (typeof path !== "string")
        throw new CorpusError(
          `a delta must be a path, { path, format } or { deletes }, got ${JSON.stringify(delta)}`,
          { file: base, code: "bad-value", field: "deltas" },
        );
      const format = typeof delta === "object" ? delta.format : undefined;
      const reader = readPassageChanges(
        path,
        format === undefined ? deltaOptions : { ...deltaOptions, format },
      );
      for await (const record of reader) {
        if ((record as PassageDeletion).deleted === true) remove(record.docid);
        else put(record as Passage);
      }
      add(reader.stats);
    }
    return changes;
  }

  async function* effective(): AsyncGenerator<Passage> {
    stats = { records: 0, skipped: 0, duplicates: 0, warnings: 0, lines: 0 };
    const changes = await loadChanges();
    for await (const passage of baseReader) {
      const change = changes.get(passage.docid);
      if (change === undefined) {
        stats.records++;
        yield passage;
        continue;
      }
      change.inBase = true;
      if (change.deleted) continue;
      stats.records++;
      yield change.passage!;
    }
    add(baseReader.stats);
    const appended = [...changes.values()]
      .filter((change) => change.passage !== null && (!change.inBase || change.deleted))
      .sort((a, b) => a.order - b.order);
    for (const change of appended) {
      stats.records++;
      yield change.passage!;
    }
  }

  return {
    path: base,
    get format() {
      return baseReader.format;
    },
    get stats() {
      return stats;
    },
    [Symbol.asyncIterator]: () => effective(),
  };
}
