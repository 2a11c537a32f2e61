import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** One line of the shared XOR-TyDi text with SentencePiece's own ids for it (plus </s>). */
export interface SpReferenceRecord {
  /** "xor_train_retrieve_eng_span.jsonl" or "parallel/<lang>-en/<file>.txt" */
  source: string;
  /** 1-based line number in source */
  line: number;
  text: string;
  ids: number[];
}

/**
 * Joins tooling/fixtures/tiny-mt5/sp_reference.jsonl.gz (source, line, ids) with the text it was computed from,
 * read from ../shared/data/xor-tydi at run time (the text itself is never copied into the project).
 */
export function loadSpReference(referenceFile: string, xorTydiDir: string): SpReferenceRecord[] {
  const cache = new Map<string, string[]>();
  const linesOf = (source: string): string[] => {
    let lines = cache.get(source);
    if (!lines) {
      const raw = readFileSync(join(xorTydiDir, source), "utf8").split("\n");
      if (raw.at(-1) === "") raw.pop();
      lines = source.endsWith(".jsonl")
        ? raw.map((line) => (JSON.parse(line) as { question: string }).question)
        : raw;
      cache.set(source, lines);
    }
    return lines;
  };
  return gunzipSync(readFileSync(referenceFile))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const {
        source,
        line: number,
        ids,
      } = JSON.parse(line) as { source: string; line: number; ids: number[] };
      const text = linesOf(source)[number - 1];
      if (text === undefined) throw new Error(`${referenceFile}: ${source} has no line ${number}`);
      return { source, line: number, text, ids };
    });
}

/** The language of a reference record: the parallel file's name, or "train" for the train questions. */
export function sourceLanguage(source: string): string {
  const match = /parallel\/[a-z]+-en\/([a-z]+)\.txt$/.exec(source);
  return match ? match[1]! : "train";
}
