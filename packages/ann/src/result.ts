/** One query's hits in rank order (best first), ready for @xqg/corpus run writers. */
export interface SearchResult {
  ids: string[];
  /** Higher is better: dot product for ip, cosine for cos, −squared distance for l2. */
  scores: Float32Array;
}
