import { ANN_OPTIONS } from "@xqg/ann";
import { FORMATS, LANGUAGES, type Lang } from "@xqg/corpus";
import { ENCODER_DEFAULTS } from "@xqg/encoders";
import { FUSION_DEFAULTS } from "@xqg/fusion";
import {
  CORRECTIONS,
  RKT_TOKENIZERS,
  SIGNIFICANCE_DEFAULTS,
  SIGNIFICANCE_TESTS,
  XOR_EVALUATION_DEFAULTS,
} from "@xqg/metrics";
import { GENERATION_DEFAULTS } from "@xqg/querygen";
import { type Field, type Fields, field, type SettingsOf } from "./fields.js";

const LANGS = Object.keys(LANGUAGES) as [Lang, ...Lang[]];
const INDEX_DEFAULTS = ANN_OPTIONS.defaults.index;
const SEARCH_DEFAULTS = ANN_OPTIONS.defaults.search;

/** The index dtypes' names before they were spelled as NumPy spells them: answered "renamed to …". */
export const RENAMED_DTYPES = { f32: "float32", f16: "float16", i8: "int8" } as const;

const G = GENERATION_DEFAULTS;
const E = ENCODER_DEFAULTS;
const S = SIGNIFICANCE_DEFAULTS;

type PresetName = keyof typeof G.presets;

/** `generate.preset`: a name for the settings of one published source, which fill what the config does not give. */
function presetField(): Field<PresetName> {
  return {
    ...field.choiceOf(
      G.presets,
      G.preset,
      "decoding preset: the strategy, topK, maxLength and maxInputLength of one published source (xqg4xdr: the xQG4xDR README; dsi-qg: the DSI-QG code); settings given beside it win",
    ),
    expands: (name) => {
      const { source: _source, ...settings } = G.presets[name];
      return settings;
    },
  };
}

/**
 * The parameters of every stage, one record each. Paths are not settings: each command takes them as explicit
 * flags, and `xqg run` derives them from the output directory. Every choice list is a package's registry and
 * every default the package's own (the paper's official settings), so both are stated once, in the package.
 */
export const STAGE_FIELDS = {
  generate: {
    preset: presetField(),
    languages: field.languageCodes(
      [...LANGS],
      "target languages of the generated queries (default: every language of the experiment)",
    ),
    perLanguage: field.optionalInt(
      `queries generated per language per passage (default: ${G.perLanguage}; 1 with greedy decoding)`,
      1,
      G.limits.perLanguage,
    ),
    strategy: field.choiceOf(G.strategies, G.strategy, "decoding strategy (greedy: one query per language)"),
    seed: field.int(G.seed, "seed of the sampler (same seed, same queries on any batch size or shard)"),
    topK: field.int(G.topK, "top-k of sampling (0 turns it off)"),
    topP: field.number(G.topP, "nucleus (top-p) threshold of sampling", {
      min: 0,
      max: 1,
      exclusiveMin: true,
    }),
    temperature: field.number(G.temperature, "sampling temperature", { min: 0, exclusiveMin: true }),
    numBeams: field.optionalInt("beams of beam search (default: perLanguage)", 1, G.limits.numBeams),
    maxLength: field.int(G.maxLength, "decoder length limit (HF max_length)", 2, G.limits.maxLength),
    maxInputLength: field.int(
      G.maxInputLength,
      "prompt tokens kept, end-of-sequence included; longer passages are cut",
      2,
      G.limits.maxInputLength,
    ),
    batchSize: field.int(
      G.batchSize,
      "prompts (passage × language) per generator batch",
      1,
      G.limits.batchSize,
    ),
    variant: field.optionalName(
      "the graphs of a variant export: quantized reads encoder_model_quantized.onnx and decoder_model_merged_quantized.onnx, fp16 the *_fp16.onnx (default: the plain names)",
    ),
  },
  encode: {
    pooling: field.choiceOf(E.poolings, E.pooling, "pooling of the encoder's last hidden state"),
    normalize: field.boolean(E.normalize, "L2-normalise embeddings"),
    queryMaxLength: field.int(E.maxLength.query, "maximum query tokens (generated and dev queries)", 1),
    passageMaxLength: field.int(E.maxLength.passage, "maximum passage tokens (title + text)", 1),
    batchSize: field.int(E.batchSize, "texts per encoder batch", 1, 65536),
    variant: field.optionalName(
      "the encoder graph of a variant export: quantized reads model_quantized.onnx, fp16 model_fp16.onnx (Optimum's names; default: model.onnx)",
    ),
    dtype: field.choiceOf(FORMATS.npyDtypes, FORMATS.defaults.npy.dtype, "dtype of the stored .npy matrices"),
    limit: field.int(0, "generated queries: keep only the first N per language (0: all)"),
    sumLanguages: field.optionalChoices(
      LANGS,
      "generated queries: also keep Σq per language for these (xqg run sets it from fuse.languages/weights)",
    ),
  },
  fuse: {
    alphas: field.numbers([0, FUSION_DEFAULTS.alpha], "α values; α = 0 is the un-augmented baseline", {
      min: 0,
      max: 1,
    }),
    reduce: field.choiceOf(
      FUSION_DEFAULTS.reductions,
      FUSION_DEFAULTS.reduce,
      "Σq as the paper's sum, or the mean of the generated queries",
    ),
    renormalize: field.boolean(FUSION_DEFAULTS.renormalize, "L2-normalise the augmented embeddings"),
    languages: field.optionalChoices(
      LANGS,
      "only the generated queries of these languages (default: all; per-language sums are then kept)",
    ),
    weights: field.optionalWeights(
      LANGS,
      "per-language weights, Σq = Σ_l w_l·Σq_l (default: the paper's plain sum; per-language sums are then kept)",
    ),
  },
  index: {
    type: field.choiceOf(
      ANN_OPTIONS.indexTypes,
      SEARCH_DEFAULTS.indexType,
      "exact flat search (the official pipeline's faiss flat) or HNSW",
    ),
    dtype: field.choiceOf(ANN_OPTIONS.dtypes, INDEX_DEFAULTS.dtype, "scalar type stored in the HNSW index", {
      renamed: RENAMED_DTYPES,
    }),
    metric: field.choiceOf(
      ANN_OPTIONS.metrics,
      INDEX_DEFAULTS.metric,
      "similarity (the official pipeline: inner product)",
    ),
    connectivity: field.int(
      INDEX_DEFAULTS.connectivity,
      "HNSW connectivity (0: usearch's default)",
      0,
      ANN_OPTIONS.maxConnectivity,
    ),
    expansionAdd: field.int(
      INDEX_DEFAULTS.expansionAdd,
      "HNSW expansion while adding (0: usearch's default)",
    ),
    expansionSearch: field.int(
      INDEX_DEFAULTS.expansionSearch,
      "HNSW expansion while searching (0: usearch's default)",
    ),
    rebuildShare: field.number(
      INDEX_DEFAULTS.rebuildShare,
      "after a corpus change, build the HNSW index anew instead of updating it once the share of its vectors removed or replaced since it was built would pass this",
      { min: 0, max: 1 },
    ),
  },
  search: {
    depth: field.int(SEARCH_DEFAULTS.depth, "passages retrieved per query", 1, 100_000),
    batchSize: field.int(SEARCH_DEFAULTS.batchSize, "queries per search batch", 1, 65536),
  },
  evaluate: {
    metrics: field.strings(
      [...XOR_EVALUATION_DEFAULTS.measures],
      "measures, e.g. R@2kt, R@5kt, MRR@10, nDCG@10 (the last need qrels)",
    ),
    tokenizer: field.choiceOf(
      RKT_TOKENIZERS,
      XOR_EVALUATION_DEFAULTS.tokenizer,
      "R@kt tokenizer: NLTK word_tokenize (official; needs NLTK's punkt_tab data) or its Treebank step alone",
    ),
  },
  report: {
    test: field.choiceOf(SIGNIFICANCE_TESTS, S.test, "paired significance test against the baseline"),
    maxP: field.number(S.maxP, "p-value under which a difference is marked significant", { min: 0, max: 1 }),
    seed: field.int(S.seed, "seed of the permutation test"),
    rounds: field.int(S.rounds, "rounds of the permutation test", 1, 10_000_000),
    correction: field.choiceOf(CORRECTIONS, S.correction, "multiple-comparison correction across the α rows"),
    latex: field.boolean(
      false,
      "also write report.tex, the tables as LaTeX (booktabs; † / ‡ as ^{\\dagger})",
    ),
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
