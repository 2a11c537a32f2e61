import { join } from "node:path";
import { rowsSuffix, type ShardPart, shardSuffix, WHOLE } from "./shard.js";
import { formatAlpha } from "./stages/common.js";

/** Where `xqg run` puts everything, relative to the output directory. */
export function layout(out: string) {
  return {
    generated: (shard: ShardPart) => join(out, "generated", `queries${shardSuffix(shard)}.jsonl`),
    passages: (shard: ShardPart) => join(out, "embeddings", `passages${shardSuffix(shard)}.npy`),
    /** Σq (of the first `limit` queries per language), of one shard's passages when `shard` is given. */
    sums: (limit?: number, shard: ShardPart = WHOLE) =>
      join(out, "embeddings", `sums${limit ? `.first-${limit}` : ""}${shardSuffix(shard)}.npy`),
    queries: join(out, "embeddings", "queries.npy"),
    fused: (name: string) => join(out, "fused", `${name}.npy`),
    index: (name: string) => join(out, "index", `${name}.usearch`),
    run: (name: string) => join(out, "runs", `${name}.trec`),
    /** One row range's best rows of an exact search split into `range.count` units. */
    hits: (name: string, range: ShardPart) => join(out, "hits", `${name}${rowsSuffix(range)}.jsonl`),
    evaluation: (name: string) => join(out, "eval", `${name}.json`),
    report: join(out, "report"),
    manifest: (key: string) => join(out, "manifests", `${key}.json`),
    hashCache: join(out, ".xqg-cache", "hashes.json"),
  };
}

export function systemName(alpha: number, queriesPerLanguage?: number): string {
  if (alpha === 0) return "baseline";
  return `${queriesPerLanguage ? `first-${queriesPerLanguage}-` : ""}alpha-${formatAlpha(alpha)}`;
}
