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
