/**
 * A run: query id → docid → score, higher scores first. The one shape of a ranking that every xqg package
 * takes and returns (ranx's `Run`, pytrec_eval's dict of dicts), whether it was read from a TREC or Tevatron
 * file, produced by a search, or built by hand.
 */
export type Run = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * The score an unscored ranking (an XOR-TyDi submission, an MS MARCO `qid pid rank` file) gives the passage at
 * 1-based `rank`: `-rank`. Scores stay distinct and exact, and ordering by score gives back the ranking.
 */
export function scoreOfRank(rank: number): number {
  return -rank;
}

/**
 * A query's docids in rank order, as trec_eval orders a run: score descending, ties by docid descending
 * (code-unit order). Returns a new array.
 */
export function rankedDocids(scores: ReadonlyMap<string, number>): string[] {
  return [...scores]
    .sort(([a, sa], [b, sb]) => sb - sa || (a < b ? 1 : a > b ? -1 : 0))
    .map(([docid]) => docid);
}
