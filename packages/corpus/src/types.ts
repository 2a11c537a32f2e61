import type { Lang } from "./languages.js";

/** One corpus passage (xqg / Tevatron / ir_datasets JSONL, Pyserini, BEIR, a DPR or MS MARCO TSV row). */
export interface Passage {
  docid: string;
  title: string;
  text: string;
}

/**
 * One query (XOR-TyDi JSONL, Tevatron, BEIR, TSV). `answers` is empty where the source has none (TSV, BEIR,
 * test sets). `L` is the language codes a read accepts: the seven XOR-TyDi ones unless `languages` names others.
 */
export interface Query<L extends string = Lang> {
  id: string;
  question: string;
  answers: string[];
  lang: L;
}

/** The generated queries of one passage, per target language (`L`: as for {@link Query}). */
export interface GeneratedQueries<L extends string = Lang> {
  docid: string;
  queries: Partial<Record<L, string[]>>;
}

/** One line of a run file (internal: `readRun` and `writeRun` take and give @xqg/core's `Run`). Rank starts at 1. */
export interface RunRow {
  qid: string;
  docid: string;
  rank: number;
  score: number;
}

/** One relevance judgement (TREC qrels: `qid iteration docid relevance`). */
export interface QrelsRow {
  qid: string;
  docid: string;
  relevance: number;
  iteration: string;
}
