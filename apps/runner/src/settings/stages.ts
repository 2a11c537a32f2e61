import { LANGUAGES, type Lang } from "@xqg/corpus";
import { type Fields, field, type SettingsOf } from "./fields.js";

const LANGS = Object.keys(LANGUAGES) as [Lang, ...Lang[]];

/**
 * The parameters of every stage, one record each. Paths are not settings: each command takes them as explicit
 * flags, and `xqg run` derives them from the output directory. Defaults follow the paper's official code.
 */
export const STAGE_FIELDS = {
  generate: {
    languages: field.choices(LANGS, [...LANGS], "target languages of the generated queries"),
    perLanguage: field.int(5, "queries generated per language per passage", 1),
    strategy: field.choice(["sample", "greedy", "beam"], "sample", "decoding strategy"),
    seed: field.int(42, "seed of the sampler (same seed, same queries on any batch size or shard)"),
    topK: field.int(50, "top-k of sampling (0 turns it off)"),
    topP: field.optionalNumber("nucleus (top-p) threshold of sampling", { min: 0, max: 1 }),
    temperature: field.optionalNumber("sampling temperature", { min: 0 }),
    numBeams: field.optionalInt("beams of beam search"),
    maxLength: field.int(64, "maximum generated tokens", 1),
    batchSize: field.int(16, "prompts per generator batch", 1),
  },
  encode: {
    pooling: field.choice(["cls", "mean"], "cls", "pooling of the encoder's last hidden state"),
    normalize: field.boolean(false, "L2-normalise embeddings"),
    queryMaxLength: field.int(32, "maximum query tokens (generated and dev queries)", 1),
    passageMaxLength: field.int(128, "maximum passage tokens (title + text)", 1),
    batchSize: field.int(32, "texts per encoder batch", 1),
    dtype: field.choice(["float32", "float16"], "float32", "dtype of the stored .npy matrices"),
    limit: field.int(0, "generated queries: keep only the first N per language (0: all)"),
  },
  fuse: {
    alphas: field.numbers([0, 0.01], "α values; α = 0 is the un-augmented baseline", { min: 0, max: 1 }),
    reduce: field.choice(
      ["sum", "mean"],
      "sum",
      "Σq as the paper's sum, or the mean of the generated queries",
    ),
    renormalize: field.boolean(false, "L2-normalise the augmented embeddings"),
  },
  index: {
    type: field.choice(["exact", "hnsw"], "exact", "exact flat search (the paper's faiss flat) or HNSW"),
    dtype: field.choice(["f32", "f16", "i8"], "f32", "scalar type stored in the HNSW index"),
    metric: field.choice(["ip", "cos", "l2"], "ip", "similarity (the paper: inner product)"),
    connectivity: field.int(0, "HNSW connectivity (0: the library's default)"),
    expansionAdd: field.int(0, "HNSW expansion while adding (0: the library's default)"),
    expansionSearch: field.int(0, "HNSW expansion while searching (0: the library's default)"),
  },
  search: {
    depth: field.int(100, "passages retrieved per query", 1),
    batchSize: field.int(256, "queries per search batch", 1),
  },
  evaluate: {
    metrics: field.strings(
      ["R@2kt", "R@5kt"],
      "measures, e.g. R@2kt, R@5kt, MRR@10, nDCG@10 (the last need qrels)",
    ),
  },
  report: {
    test: field.choice(["t", "permutation"], "t", "paired significance test against the baseline"),
    maxP: field.number(0.05, "p-value under which a difference is marked significant", { min: 0, max: 1 }),
    seed: field.int(0, "seed of the permutation test"),
    rounds: field.int(10000, "rounds of the permutation test", 1),
    correction: field.choice(["none", "holm"], "none", "multiple-comparison correction across the α rows"),
  },
} as const satisfies Record<string, Fields>;

export type StageName = keyof typeof STAGE_FIELDS;
export type StageSettings<S extends StageName> = SettingsOf<(typeof STAGE_FIELDS)[S]>;
export type GenerateSettings = StageSettings<"generate">;
export type EncodeSettings = StageSettings<"encode">;
export type FuseSettings = StageSettings<"fuse">;
export type IndexSettings = StageSettings<"index">;
export type SearchSettings = StageSettings<"search">;
export type EvaluateSettings = StageSettings<"evaluate">;
export type ReportSettings = StageSettings<"report">;
