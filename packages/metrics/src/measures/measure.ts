// Measures are values with a canonical string form (as in ir_measures): `nDCG@10`, `R@2kt`, `P(rel=2)@5`.
// The string is the identity: results are keyed by it, and parseMeasure(String(m)) equals m.

import { MetricsError } from "../errors.js";

/** Measure definitions; the keys are the canonical names. */
export const MEASURES = {
  R: { description: "recall of relevant documents in the top k; with `kt`, XOR-TyDi R@kt", params: ["rel"] },
  P: { description: "precision at k (relevant retrieved in the top k, divided by k)", params: ["rel"] },
  MRR: { description: "reciprocal rank of the first relevant document within k", params: ["rel"] },
  nDCG: {
    description: "normalized DCG with graded gains (trec_eval: gain = relevance, log2 discount)",
    params: [],
  },
  MAP: { description: "average precision (mean over queries)", params: ["rel"] },
} as const;

export type MeasureName = keyof typeof MEASURES;

const ALIASES: Record<string, MeasureName> = {
  r: "R",
  recall: "R",
  p: "P",
  precision: "P",
  mrr: "MRR",
  rr: "MRR",
  ndcg: "nDCG",
  map: "MAP",
  ap: "MAP",
};

export interface Measure {
  readonly name: MeasureName;
  /** Rank cutoff, or thousands of tokens when `unit` is `kt`; undefined for "whole ranking". */
  readonly cutoff: number | undefined;
  readonly unit: "kt" | undefined;
  /** Minimum relevance grade that counts as relevant (binary measures); default 1. */
  readonly rel: number;
  /**
   * What judges a ranking: the queries' answer strings over the passages' text (XOR-TyDi R@kt), or qrels
   * (every other measure).
   */
  readonly judgedBy: "answers" | "qrels";
  toString(): string;
}

/** A measure name that does not parse, or parameters a measure does not take. */
function measureError(reason: string): MetricsError {
  return new MetricsError(reason, { code: "bad-measure", field: "measure" });
}

function canonical(
  name: MeasureName,
  cutoff: number | undefined,
  unit: "kt" | undefined,
  rel: number,
): string {
  const params = rel !== 1 ? `(rel=${rel})` : "";
  return `${name}${params}${cutoff !== undefined ? `@${cutoff}${unit ?? ""}` : ""}`;
}

/** Builds a measure value; `measure("nDCG", { cutoff: 10 })`. */
export function measure(
  name: MeasureName,
  opts: { cutoff?: number; unit?: "kt"; rel?: number } = {},
): Measure {
  const { cutoff, unit, rel = 1 } = opts;
  if (!(name in MEASURES))
    throw measureError(`unknown measure ${JSON.stringify(name)}; known: ${Object.keys(MEASURES).join(", ")}`);
  if (unit === "kt") {
    if (name !== "R") throw measureError(`the kt unit (thousands of tokens) applies to R only, not ${name}`);
    if (cutoff === undefined || !Number.isFinite(cutoff) || cutoff < 0) {
      throw measureError(`R@kt needs a cutoff >= 0 in thousands of tokens, got ${cutoff}`);
    }
  } else if (cutoff !== undefined && !(Number.isInteger(cutoff) && cutoff > 0)) {
    throw measureError(`${name}: the cutoff must be a positive integer, got ${cutoff}`);
  }
  if (name === "P" && cutoff === undefined) throw measureError("P needs a cutoff, e.g. P@10");
  if (!Number.isInteger(rel)) throw measureError(`rel must be an integer, got ${rel}`);
  if (rel !== 1 && !(MEASURES[name].params as readonly string[]).includes("rel")) {
    throw measureError(`${name} takes no rel parameter (it uses graded relevance)`);
  }
  const text = canonical(name, cutoff, unit, rel);
  const judgedBy = unit === "kt" ? "answers" : "qrels";
  return Object.freeze({ name, cutoff, unit, rel, judgedBy, toString: () => text });
}

function fail(source: string, at: number, why: string): never {
  throw measureError(
    `${why} at position ${at} of ${JSON.stringify(source)}\n  ${source}\n  ${" ".repeat(at)}^`,
  );
}

/**
 * Parses `Name`, `Name@k`, `Name(rel=2)@k` or `R@2kt` (names are case-insensitive; aliases: Recall, RR, AP).
 * Errors point at the offending character and list the known names.
 */
export function parseMeasure(source: string): Measure {
  const m = /^([A-Za-z]+)/.exec(source);
  if (!m) fail(source, 0, "expected a measure name");
  const name = ALIASES[m[1]!.toLowerCase()];
  if (!name)
    fail(source, 0, `unknown measure ${JSON.stringify(m[1])} (known: ${Object.keys(MEASURES).join(", ")})`);
  let at = m[1]!.length;
  let rel = 1;
  if (source[at] === "(") {
    const p = /^\(\s*rel\s*=\s*(-?\d+)\s*\)/.exec(source.slice(at));
    if (!p) fail(source, at + 1, "expected a parameter `rel=<integer>`");
    rel = Number(p[1]);
    at += p[0].length;
  }
  let cutoff: number | undefined;
  let unit: "kt" | undefined;
  if (source[at] === "@") {
    const c = /^@(\d+(?:\.\d+)?)(kt)?/.exec(source.slice(at));
    if (!c) fail(source, at + 1, "expected a number after @");
    cutoff = Number(c[1]);
    unit = c[2] ? "kt" : undefined;
    at += c[0].length;
  }
  if (at !== source.length) fail(source, at, "unexpected character");
  try {
    return measure(name, { cutoff, unit, rel });
  } catch (e) {
    throw measureError(`${(e as Error).message} (in ${JSON.stringify(source)})`);
  }
}

/** Accepts measure values or strings. */
export function toMeasure(m: Measure | string): Measure {
  return typeof m === "string" ? parseMeasure(m) : m;
}
