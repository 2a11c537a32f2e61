import type { Measure } from "./measure.js";

/** Relevance grades of one query's judged documents. */
export type Judged = ReadonlyMap<string, number>;

/** The ranking cut at k (whole ranking when k is undefined). */
function top(ranking: readonly string[], k: number | undefined): readonly string[] {
  return k === undefined ? ranking : ranking.slice(0, k);
}

function relevantCount(judged: Judged, rel: number): number {
  let n = 0;
  for (const g of judged.values()) if (g >= rel) n++;
  return n;
}

/** Recall, precision, reciprocal rank, AP and nDCG of one (deduplicated) ranking, as trec_eval defines them. */
export function scoreRanking(m: Measure, ranking: readonly string[], judged: Judged): number {
  const isRel = (d: string) => (judged.get(d) ?? 0) >= m.rel;
  switch (m.name) {
    case "R": {
      const total = relevantCount(judged, m.rel);
      return total === 0 ? 0 : top(ranking, m.cutoff).filter(isRel).length / total;
    }
    case "P":
      return top(ranking, m.cutoff).filter(isRel).length / m.cutoff!;
    case "MRR": {
      const i = top(ranking, m.cutoff).findIndex(isRel);
      return i < 0 ? 0 : 1 / (i + 1);
    }
    case "MAP": {
      const total = relevantCount(judged, m.rel);
      if (total === 0) return 0;
      let hits = 0;
      let sum = 0;
      top(ranking, m.cutoff).forEach((d, i) => {
        if (isRel(d)) sum += ++hits / (i + 1);
      });
      return sum / total;
    }
    case "nDCG": {
      const gain = (g: number) => Math.max(0, g);
      let dcg = 0;
      top(ranking, m.cutoff).forEach((d, i) => {
        dcg += gain(judged.get(d) ?? 0) / Math.log2(i + 2);
      });
      const ideal = [...judged.values()].map(gain).sort((a, b) => b - a);
      let idcg = 0;
      ideal.slice(0, m.cutoff ?? ideal.length).forEach((g, i) => {
        idcg += g / Math.log2(i + 2);
      });
      return idcg === 0 ? 0 : dcg / idcg;
    }
  }
}

/** A judged document the run ranks: its 1-based rank and its grade. */
export interface JudgedRank {
  readonly rank: number;
  readonly grade: number;
}

/**
 * The ranks of the judged documents a query's scores rank (trec_eval's order: score descending, ties by docid
 * descending), by rank. Only judged documents affect the qrels measures, so their ranks are counted (the
 * documents ahead of each) instead of sorting the whole ranking, unless many are judged.
 */
export function judgedRanks(scores: ReadonlyMap<string, number>, judged: Judged): JudgedRank[] {
  const docids: string[] = [];
  const values: number[] = [];
  const grades: number[] = [];
  for (const [docid, grade] of judged) {
    const score = scores.get(docid);
    if (score === undefined) continue;
    docids.push(docid);
    values.push(score);
    grades.push(grade);
  }
  const found = docids.length;
  if (found === 0) return [];
  const ranks = new Array<number>(found).fill(1);
  if (found <= 64) {
    scores.forEach((score, docid) => {
      for (let j = 0; j < found; j++) {
        const s = values[j]!;
        // a tie (±Infinity twice included) is broken by docid, as trec_eval's order
        if (score > s || (score === s && docid > docids[j]!)) ranks[j]!++;
      }
    });
  } else {
    const ranking = rankedDocidsOf(scores);
    const position = new Map<string, number>();
    for (let i = 0; i < ranking.length; i++) position.set(ranking[i]!, i + 1);
    for (let j = 0; j < found; j++) ranks[j] = position.get(docids[j]!)!;
  }
  return ranks.map((rank, j) => ({ rank, grade: grades[j]! })).sort((a, b) => a.rank - b.rank);
}

/**
 * `rankedDocids` of @xqg/core (score descending, ties by docid descending, as trec_eval) without an entry array
 * per document: the scores in a Float64Array, an index permutation sorted.
 */
export function rankedDocidsOf(scores: ReadonlyMap<string, number>): string[] {
  const n = scores.size;
  const ids = new Array<string>(n);
  const values = new Float64Array(n);
  let i = 0;
  scores.forEach((value, docid) => {
    ids[i] = docid;
    values[i++] = value;
  });
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => {
    const diff = values[b]! - values[a]!;
    if (diff) return diff; // NaN (±Infinity twice) falls to the docids, as rankedDocids
    const x = ids[a]!;
    const y = ids[b]!;
    return x < y ? 1 : x > y ? -1 : 0;
  });
  const out = new Array<string>(n);
  for (let k = 0; k < n; k++) out[k] = ids[order[k]!]!;
  return out;
}

/**
 * `scoreRanking` from the ranks of the judged documents alone (`judgedRanks`): the same values, summed in the
 * same order (unjudged documents add nothing), without the ranking.
 */
export function scoreJudged(m: Measure, ranks: readonly JudgedRank[], judged: Judged): number {
  const k = m.cutoff ?? Number.POSITIVE_INFINITY;
  const rel = m.rel;
  switch (m.name) {
    case "R": {
      const total = relevantCount(judged, rel);
      if (total === 0) return 0;
      let hits = 0;
      for (const r of ranks) if (r.rank <= k && r.grade >= rel) hits++;
      return hits / total;
    }
    case "P": {
      let hits = 0;
      for (const r of ranks) if (r.rank <= k && r.grade >= rel) hits++;
      return hits / m.cutoff!;
    }
    case "MRR": {
      for (const r of ranks) if (r.rank <= k && r.grade >= rel) return 1 / r.rank;
      return 0;
    }
    case "MAP": {
      const total = relevantCount(judged, rel);
      if (total === 0) return 0;
      let hits = 0;
      let sum = 0;
      for (const r of ranks) if (r.rank <= k && r.grade >= rel) sum += ++hits / r.rank;
      return sum / total;
    }
    case "nDCG": {
      let dcg = 0;
      for (const r of ranks) if (r.rank <= k) dcg += Math.max(0, r.grade) / Math.log2(r.rank + 1);
      const ideal = [...judged.values()].map((g) => Math.max(0, g)).sort((a, b) => b - a);
      let idcg = 0;
      ideal.slice(0, m.cutoff ?? ideal.length).forEach((g, i) => {
        idcg += g / Math.log2(i + 2);
      });
      return idcg === 0 ? 0 : dcg / idcg;
    }
  }
}
