/** How passages are searched, by name. */
export const INDEX_TYPES = {
  exact: "exact flat search over the embedding matrix (the paper's faiss flat); no index to build",
  hnsw: "a usearch HNSW graph (approximate; stored as f32, f16 or i8)",
} as const;
export type IndexType = keyof typeof INDEX_TYPES;

/** A search's settings unless told otherwise: exact, as the paper, 100 passages per query. */
export const SEARCH_DEFAULTS = {
  indexType: "exact",
  /** Passages retrieved per query. */
  depth: 100,
  /** Queries per batch sent to the index. */
  batchSize: 256,
} as const satisfies { indexType: IndexType; depth: number; batchSize: number };
