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
    /** The effective corpus of a base file and delta files (JSONL), which every unit that reads the corpus reads. */
    corpus: join(out, "corpus", "corpus.jsonl"),
    /** The docids the deltas deleted from the base corpus, one a line (for the qrels warning). */
    deletedPassages: join(out, "corpus", "deleted.txt"),
    fused: (name: string) => join(out, "fused", `${name}.npy`),
    index: (name: string) => join(out, "index", `${name}.usearch`),
    run: (name: string) => join(out, "runs", `${name}.trec`),
    /** One row range's best rows of an exact search split into `range.count` units. */
    hits: (name: string, range: ShardPart) => join(out, "hits", `${name}${rowsSuffix(range)}.jsonl`),
    evaluation: (name: string) => join(out, "eval", `${name}.json`),
    /** The text of every passage a system ranked, for R@kt (JSONL, corpus order). */
    passageTexts: (name: string) => join(out, "texts", `${name}.jsonl`),
    report: join(out, "report"),
    manifest: (key: string) => join(out, "manifests", `${key}.json`),
    hashCache: join(out, ".xqg-cache", "hashes.json"),
  };
}

/**
 * The name of a system: its files, its unit keys and its row in the report. Only the un-augmented system
 * (α = 0 over all the generated queries) is `baseline`, so an ablation point never takes its name.
 */
export function systemName(alpha: number, queriesPerLanguage?: number): string {
  if (alpha === 0 && !queriesPerLanguage) return "baseline";
  return `${queriesPerLanguage ? `first-${queriesPerLanguage}-` : ""}alpha-${formatAlpha(alpha)}`;
}

/** The smallest α other than 0 that has a name of its own (α is written to 12 decimals). */
export const MIN_ALPHA = 1e-12;

/**
 * Why a list of α cannot name one system each, or undefined: every α other than 0 must be at least
 * {@link MIN_ALPHA}, and no two may share a name (`0.5` and `0.5000000000001` would write the same files).
 */
export function alphasProblem(alphas: readonly number[]): { index: number; reason: string } | undefined {
  const seen = new Map<string, number>();
  for (const [index, alpha] of alphas.entries()) {
    if (alpha !== 0 && alpha < MIN_ALPHA) {
      return { index, reason: `${alpha} is below ${MIN_ALPHA}, the smallest α other than 0 that xqg names` };
    }
    const name = systemName(alpha);
    const other = seen.get(name);
    if (other !== undefined && other !== alpha) {
      return {
        index,
        reason: `${other} and ${alpha} would both be named ${name} (α is written to 12 decimals); keep one`,
      };
    }
    seen.set(name, alpha);
  }
  return undefined;
}
