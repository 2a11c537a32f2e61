import type { Lang } from "./languages.js";

/** One corpus passage (Tevatron / ir_datasets JSONL, or a DPR TSV row). */
export interface Passage {
  docid: string;
  title: string;
  text: string;
}

/** One query (XOR-TyDi JSONL). `answers` is empty where the source has none (TSV, test sets). */
export interface Query {
  id: string;
  question: string;
  answers: string[];
  lang: Lang;
}

/** The generated queries of one passage, per target language. */
export interface GeneratedQueries {
  docid: string;
  queries: Partial<Record<Lang, string[]>>;
}

/** One ranked result. Higher score is better; rank starts at 1. */
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
