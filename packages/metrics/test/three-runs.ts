import type { Run } from "@xqg/core";
import type { Evaluation, Evaluator } from "../src/index.js";

// Per-query R@1 of three runs (1 = the relevant document at rank 1); queries q0–q5 are ar, q6–q11 bn.
// Shared by compare.test.ts and by-language.test.ts so both check the same hand-computed case.
export const HITS = {
  base: [1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
  sysA: [1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0],
  sysB: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
};
export const qids = HITS.base.map((_, i) => `q${i}`);
export const qrels = new Map(qids.map((q) => [q, new Map([["rel", 1]])]));
export const languages = new Map(qids.map((q, i) => [q, i < 6 ? "ar" : "bn"]));
/** The queries with their languages, in id order. */
export const queries = qids.map((id) => ({ id, lang: languages.get(id)! }));
/** A run from a ranking (best first): scores −rank, as an unscored ranking gets them. */
export const runFrom = (ranking: ReadonlyMap<string, readonly string[]>): Run =>
  new Map([...ranking].map(([q, docs]) => [q, new Map(docs.map((d, i) => [d, -(i + 1)]))]));
export const runOf = (hits: number[]): Run =>
  runFrom(new Map(qids.map((q, i) => [q, hits[i] ? ["rel", "x"] : ["x", "rel"]])));
export const runs = { base: runOf(HITS.base), sysA: runOf(HITS.sysA), sysB: runOf(HITS.sysB) };

/** Every run evaluated, by name. */
export async function evaluateAll(
  evaluator: Evaluator,
  named: Readonly<Record<string, Run>>,
): Promise<Record<string, Evaluation>> {
  const out: Record<string, Evaluation> = {};
  for (const [name, run] of Object.entries(named)) out[name] = await evaluator.evaluate(run);
  return out;
}
