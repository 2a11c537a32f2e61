import { exactSearch, Index } from "@xqg/ann";
import { idsPath, openNpy, type RunRow, readIds, readNpy, writeRun } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { IndexSettings, SearchSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

export type SearchTarget =
  | { readonly kind: "exact"; readonly embeddings: string; readonly metric: IndexSettings["metric"] }
  | { readonly kind: "index"; readonly index: string };

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
        ...(target.kind === "exact" ? { metric: target.metric } : {}),
      },
      packages: ["@xqg/corpus", "@xqg/ann"],
      outputs: [io.out],
    },
    async (staged) => {
      const queryIds = await readIds(idsPath(io.queries));
      const queries = await openNpy(io.queries);
      const progress = env.log.progress("search", queries.rows, "queries");
      const rows: RunRow[] = [];
      const search = await openSearcher(target);
      try {
        if (queries.dim !== search.dim) {
          throw new UserError(
            `${io.queries}: query dimension ${queries.dim} differs from the passages' ${search.dim}`,
          );
        }
        for await (const block of queries.blocks(settings.batchSize)) {
          const hits = search.run(block.rows, settings.depth, env.threads);
          hits.forEach((hit, i) => {
            const qid = queryIds[block.start + i]!;
            hit.ids.forEach((docid, r) => {
              rows.push({ qid, docid, rank: r + 1, score: hit.scores[r]! });
            });
          });
          progress.tick(hits.length);
        }
      } finally {
        progress.done();
        await queries.close();
      }
      await writeRun(staged(io.out), rows, { format: "trec", tag: io.tag });
    },
  );
}

interface Searcher {
  dim: number;
  run(queries: Float32Array, k: number, threads: number): Array<{ ids: string[]; scores: Float32Array }>;
}

async function openSearcher(target: SearchTarget): Promise<Searcher> {
  if (target.kind === "index") {
    const index = await Index.view(target.index);
    return { dim: index.dimensions, run: (q, k, threads) => index.searchBatch(q, k, { threads }) };
  }
  const matrix = await readNpy(target.embeddings);
  const ids = await readIds(idsPath(target.embeddings));
  if (ids.length !== matrix.rows) {
    throw new UserError(`${idsPath(target.embeddings)}: ${ids.length} ids for ${matrix.rows} rows`);
  }
  return {
    dim: matrix.dim,
    run: (q, k, threads) =>
      exactSearch(matrix.data, ids, q, k, { metric: target.metric, dimensions: matrix.dim, threads }),
  };
}
