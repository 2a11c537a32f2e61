// Per-query R@1 of three runs (1 = the relevant document at rank 1); queries q0–q5 are ar, q6–q11 bn.
// Shared by compare.test.ts and compare-scores.test.ts so both check the same hand-computed case.
export const HITS = {
  base: [1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
  sysA: [1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0],
  sysB: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
};
export const qids = HITS.base.map((_, i) => `q${i}`);
export const qrels = new Map(qids.map((q) => [q, new Map([["rel", 1]])]));
export const languages = new Map(qids.map((q, i) => [q, i < 6 ? "ar" : "bn"]));
export const runOf = (hits: number[]) =>
  new Map(qids.map((q, i) => [q, hits[i] ? ["rel", "x"] : ["x", "rel"]]));
export const runs = { base: runOf(HITS.base), sysA: runOf(HITS.sysA), sysB: runOf(HITS.sysB) };
