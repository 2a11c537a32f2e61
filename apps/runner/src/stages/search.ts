import { exactSearchBlocks, Index, type SearchResult } from "@xqg/ann";
import { idsPath, type NpyReader, openNpy, type RunRow, readIds, writeRun } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { IndexSettings, SearchSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

export type SearchTarget =
  | { readonly kind: "exact"; readonly embeddings: string; readonly metric: IndexSettings["metric"] }
  | {
      readonly kind: "index";
      readonly index: string;
      /** HNSW expansion while searching (0: usearch's default); not stored in the index file, so set here. */
      readonly expansionSearch: number;
    };

/** Ranks passages for every query embedding and writes a TREC run (`tag` names the system). */
export async function searchStage(
  env: StageEnv,
  io: { target: SearchTarget; queries: string; out: string; tag: string; manifest: string },
  settings: SearchSettings,
) {
  const target = io.target;
  const inputs: Record<string, string> =
    target.kind === "exact"
      ? { embeddings: target.embeddings, ids: idsPath(target.embeddings) }
      : { index: target.index };
  return runStage(
    env,
    {
      stage: "search",
      manifest: io.manifest,
      inputs: { ...inputs, queries: io.queries, queryIds: idsPath(io.queries) },
      params: {
        depth: settings.depth,
        tag: io.tag,
        ...(target.kind === "exact"
          ? { metric: target.metric }
          : { expansionSearch: target.expansionSearch }),
      },
      packages: ["@xqg/corpus", "@xqg/ann"],
      outputs: [io.out],
    },
    async (staged) => {
      const queryIds = await readIds(idsPath(io.queries));
      const queries = await openNpy(io.queries);
      let hits: SearchResult[];
      try {
        hits =
          target.kind === "exact"
            ? await searchExact(env, target, queries, settings.depth)
            : await searchIndex(env, target, queries, settings);
      } finally {
        await queries.close();
      }
      const rows: RunRow[] = hits.flatMap((hit, q) =>
        hit.ids.map((docid, r) => ({ qid: queryIds[q]!, docid, rank: r + 1, score: hit.scores[r]! })),
      );
      await writeRun(staged(io.out), rows, { format: "trec", tag: io.tag });
    },
  );
}

/**
 * Passage rows per block of the streamed exact search: 64Ki rows of 768 float32 are 192 MiB whatever the
 * corpus size (the whole matrix is never loaded); 0.95× the in-memory speed at 200k rows (BENCHMARKS.md).
 */
const EXACT_BLOCK_ROWS = 65_536;

/** One pass over the passage matrix for all queries, keeping a running top-k per query. */
async function searchExact(
  env: StageEnv,
  target: Extract<SearchTarget, { kind: "exact" }>,
  queries: NpyReader,
  depth: number,
): Promise<SearchResult[]> {
  const passages = await openNpy(target.embeddings);
  try {
    const ids = await readIds(idsPath(target.embeddings));
    if (ids.length !== passages.rows) {
      throw new UserError(`${idsPath(target.embeddings)}: ${ids.length} ids for ${passages.rows} rows`);
    }
    checkDimension(queries, passages.dim);
    const progress = env.log.progress("search", passages.rows, "passages");
    try {
      return await exactSearchBlocks(
        passages.blocks(EXACT_BLOCK_ROWS),
        ids,
        await queries.read(0, queries.rows),
        depth,
        {
          metric: target.metric,
          dimensions: passages.dim,
          threads: env.threads,
          onBlock: (block) => progress.tick(block.count),
        },
      );
    } finally {
      progress.done();
    }
  } finally {
    await passages.close();
  }
}

/** The queries `settings.batchSize` at a time through the index's batched search. */
async function searchIndex(
  env: StageEnv,
  target: Extract<SearchTarget, { kind: "index" }>,
  queries: NpyReader,
  settings: SearchSettings,
): Promise<SearchResult[]> {
  const index = await Index.view(
    target.index,
    target.expansionSearch ? { expansionSearch: target.expansionSearch } : {},
  );
  checkDimension(queries, index.dimensions);
  const progress = env.log.progress("search", queries.rows, "queries");
  const hits: SearchResult[] = [];
  try {
    for await (const block of queries.blocks(settings.batchSize)) {
      const found = index.searchBatch(block.rows, settings.depth, { threads: env.threads });
      hits.push(...found);
      progress.tick(found.length);
    }
  } finally {
    progress.done();
  }
  return hits;
}

function checkDimension(queries: NpyReader, dim: number): void {
  if (queries.dim !== dim) {
    throw new UserError(`${queries.path}: query dimension ${queries.dim} differs from the passages' ${dim}`);
  }
}
