import { Index } from "@xqg/ann";
import { idsPath, readIds } from "@xqg/core";
import { openNpy } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { IndexSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

/** An HNSW index over an embedding matrix (exact search needs none: `xqg search` reads the matrix). */
export async function indexStage(
  env: StageEnv,
  io: { embeddings: string; out: string; manifest: string },
  settings: IndexSettings,
) {
  if (settings.type === "exact") {
    throw new UserError("index: --type exact needs no index; pass the matrix to `xqg search --embeddings`");
  }
  const { type: _type, ...params } = settings;
  return runStage(
    env,
    {
      stage: "index",
      manifest: io.manifest,
      inputs: { embeddings: io.embeddings, ids: idsPath(io.embeddings) },
      params,
      packages: ["@xqg/corpus", "@xqg/ann"],
      outputs: Index.files(io.out),
    },
    async (staged) => {
      const matrix = await openNpy(io.embeddings);
      const ids = await readIds(idsPath(io.embeddings));
      if (ids.length !== matrix.rows) {
        await matrix.close();
        throw new UserError(
          `${idsPath(io.embeddings)}: ${ids.length} ids for ${matrix.rows} rows of ${io.embeddings}`,
        );
      }
      const index = Index.create({
        dimensions: matrix.dimensions,
        metric: settings.metric,
        dtype: settings.dtype,
        ...(settings.connectivity ? { connectivity: settings.connectivity } : {}),
        ...(settings.expansionAdd ? { expansionAdd: settings.expansionAdd } : {}),
        ...(settings.expansionSearch ? { expansionSearch: settings.expansionSearch } : {}),
      });
      const progress = env.log.progress("index", matrix.rows, "vectors");
      try {
        for await (const block of matrix.blocks({ batchSize: 65536 })) {
          const n = block.rows.length / matrix.dimensions;
          await index.add(ids.slice(block.start, block.start + n), block.rows, {
            threads: env.threads,
            signal: env.signal,
          });
          progress.tick(n);
        }
      } finally {
        progress.done();
        await matrix.close();
      }
      await index.save(staged(io.out));
    },
  );
}
