import { checkOptions, type LongCallOptions } from "@xqg/core";
import { isLanguageCode, LANGUAGES, type Lang, type LanguageNames } from "@xqg/corpus";
import type { DecodeSettings, FinishedPolicy, Strategy } from "./decode.js";
import { GenerationError, invalidOption } from "./errors.js";
import { PROMPT_FIELDS, PROMPT_TEMPLATE, validatePromptTemplate } from "./prompt.js";
import { validateSamplingParams } from "./sampling.js";

/** Decoding strategies, by name. */
export const STRATEGIES = {
  sample:
    "multinomial sampling after temperature, top-k and top-p (HF do_sample=True); what both official sources use",
  greedy: "the most likely token at each step; one query per language",
  beam: "beam search (HF num_beams) returning the perLanguage best hypotheses",
} as const satisfies Record<Strategy, string>;

/** What to do with sequences that finished while others in their batch go on, by name. */
export const FINISHED_POLICIES = {
  drop: "remove them from the batch (the KV cache is compacted)",
  pad: "keep them in the batch fed with the pad token, as HF generate does",
} as const satisfies Record<FinishedPolicy, string>;

/** The settings a decoding preset fixes: `generate`'s `strategy`, `topK`, `maxLength`, `createGenerator`'s `maxInputLength`. */
export interface DecodingPreset {
  /** Where the values come from: repository, commit, file. */
  readonly source: string;
  readonly strategy: Strategy;
  readonly topK: number;
  readonly maxLength: number;
  readonly maxInputLength: number;
}

/**
 * Decoding presets, one per published source of xQG's generation settings. No official file says which settings
 * produced the released queries (ielab/xor-tydi-xqg-augmented). `xqg4xdr` is the default: it is what the
 * paper's own repository runs.
 */
const PRESETS = {
  xqg4xdr: {
    source:
      "ielab/xQG4xDR README.md at commit cea1e94: generate(do_sample=True, max_length=64) with transformers' default top_k 50; the input is not truncated (xqg keeps 512 tokens)",
    strategy: "sample",
    topK: 50,
    maxLength: 64,
    maxInputLength: 512,
  },
  "dsi-qg": {
    source:
      "ArvinZhuang/DSI-QG, whose query-generation pipeline xQG4xDR follows: run.py and trainer.py at commit 389c8b8 (generate(do_sample=True, top_k=10, max_length=q_max_length 32)) and its README's generation command at commit 387315f (--max_length 256: inputs cut at 256 tokens)",
    strategy: "sample",
    topK: 10,
    maxLength: 32,
    maxInputLength: 256,
  },
} as const satisfies Record<string, DecodingPreset>;

const DEFAULT_PRESET = PRESETS.xqg4xdr;

/**
 * The defaults: the `xqg4xdr` preset (ielab/xQG4xDR's README: sampling, HF's top-k 50, max_length 64), 5 queries per
 * language; `createGenerator`'s `kvCache` and `maxInputLength`; and the registries behind `preset`, `strategy`,
 * `finished` and the prompt's placeholders.
 */
export const GENERATION_DEFAULTS = {
  preset: "xqg4xdr",
  strategy: DEFAULT_PRESET.strategy,
  perLanguage: 5,
  prompt: PROMPT_TEMPLATE,
  topK: DEFAULT_PRESET.topK,
  topP: 1,
  temperature: 1,
  lengthPenalty: 1,
  earlyStopping: false,
  maxLength: DEFAULT_PRESET.maxLength,
  seed: 0,
  batchSize: 8,
  finished: "drop",
  kvCache: true,
  maxInputLength: DEFAULT_PRESET.maxInputLength,
  presets: PRESETS,
  /**
   * The largest value each option takes: sequences, beams, positions and prompts all become rows of the KV
   * cache or the encoder's attention (4·heads·n² bytes per prompt for `maxInputLength`), so a typo's 10⁶
   * would exhaust memory instead of failing in one line.
   */
  limits: { perLanguage: 100, numBeams: 64, maxLength: 1024, batchSize: 4096, maxInputLength: 8192 },
  strategies: STRATEGIES,
  finishedPolicies: FINISHED_POLICIES,
  promptFields: PROMPT_FIELDS,
} as const;

const GENERATE_KEYS = [
  "languages",
  "languageNames",
  "perLanguage",
  "prompt",
  "strategy",
  "topK",
  "topP",
  "temperature",
  "numBeams",
  "lengthPenalty",
  "earlyStopping",
  "maxLength",
  "seed",
  "batchSize",
  "finished",
  "onProgress",
  "signal",
] as const;

/**
 * `generate`'s and `complete`'s options. `onProgress` gets `{ unit: "rows", task: "generate", done, total }` after
 * each decoded batch: `generate` counts passages whose queries are all decoded (`total`: the array's length,
 * undefined for other iterables), `complete` counts prompts. `signal` is checked before each batch.
 */
export interface GenerateOptions<L extends string = Lang> extends LongCallOptions {
  /** Target languages, in output order; default every language of `languageNames` (the seven XOR-TyDi ones). */
  languages?: readonly NoInfer<L>[];
  /**
   * The languages queries may be generated in, ISO 639-1 code → English name (the prompt's {Language}); default
   * LANGUAGES. Other languages: `{ ...LANGUAGES, sw: "Swahili" }` (what a model fine-tuned on them can write).
   */
  languageNames?: LanguageNames<L>;
  /** Queries per passage and language; default 5 (greedy: 1, and only 1). */
  perLanguage?: number;
  /** Template with {Language}, {lang}, {title}, {passage}; default PROMPT_TEMPLATE. */
  prompt?: string;
  strategy?: Strategy;
  topK?: number;
  topP?: number;
  temperature?: number;
  /** Beam search width; default perLanguage. */
  numBeams?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean;
  /** Decoder length including the decoder start token (HF max_length): at most maxLength - 1 new tokens. */
  maxLength?: number;
  seed?: number;
  /** Prompts (passage × language) decoded together; each expands to perLanguage sequences. */
  batchSize?: number;
  finished?: FinishedPolicy;
}

export interface ResolvedOptions {
  languages: readonly string[];
  /** Code → English name of every language the options allow. */
  languageNames: Readonly<Record<string, string>>;
  prompt: string;
  batchSize: number;
  signal: AbortSignal | undefined;
  decode: Omit<DecodeSettings, "eosIds" | "padId">;
}

function positiveInteger(name: string, value: number, max?: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw invalidOption(name, `${name} must be an integer >= 1, got ${value}`);
  if (max !== undefined && value > max)
    throw invalidOption(name, `${name} must be at most ${max} (GENERATION_DEFAULTS.limits), got ${value}`);
  return value;
}

function oneOf<T extends string>(name: string, value: string, choices: Record<T, string>): T {
  if (!Object.hasOwn(choices, value)) {
    throw invalidOption(
      name,
      `${name} must be one of ${Object.keys(choices).join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** Checks a language set: ISO 639-1 codes (two lowercase letters) mapped to English names. */
function checkLanguageNames(names: unknown): Readonly<Record<string, string>> {
  if (typeof names !== "object" || names === null || Array.isArray(names))
    throw invalidOption(
      "languageNames",
      'languageNames must map ISO 639-1 codes to English names, e.g. { ...LANGUAGES, sw: "Swahili" }',
    );
  const entries = Object.entries(names);
  if (entries.length === 0) throw invalidOption("languageNames", "languageNames names no language");
  for (const [code, name] of entries) {
    if (!isLanguageCode(code))
      throw invalidOption(
        "languageNames",
        `languageNames: ${JSON.stringify(code)} is not an ISO 639-1 code (two lowercase letters, e.g. "sw")`,
      );
    if (typeof name !== "string" || name.trim() === "")
      throw invalidOption(
        "languageNames",
        `languageNames: the name of "${code}" must be its English name (a non-empty string, e.g. "Swahili")`,
      );
  }
  return names as Readonly<Record<string, string>>;
}

/** Fills in defaults and checks every option, naming the option and the allowed values on error. */
export function resolveOptions<L extends string = Lang>(
  options: GenerateOptions<L> = {},
  call = "generate",
): ResolvedOptions {
  checkOptions(options, GENERATE_KEYS, call);
  const d = GENERATION_DEFAULTS;
  const strategy = oneOf("strategy", options.strategy ?? d.strategy, STRATEGIES);
  const languageNames = checkLanguageNames(options.languageNames ?? LANGUAGES);
  const known = Object.keys(languageNames);
  const languages: readonly string[] = options.languages ?? known;
  for (const lang of languages) {
    if (!Object.hasOwn(languageNames, lang)) {
      const others = options.languageNames === undefined ? " (name others in languageNames)" : "";
      throw new GenerationError(
        `languages: unknown language ${JSON.stringify(lang)}; expected some of ${known.join(", ")}${others}`,
        { code: "unknown-language", field: "languages" },
      );
    }
  }
  if (new Set(languages).size !== languages.length)
    throw invalidOption("languages", `languages lists a language twice: ${languages.join(", ")}`);
  if (strategy === "greedy" && options.perLanguage !== undefined && options.perLanguage !== 1) {
    throw invalidOption(
      "perLanguage",
      `greedy decoding gives one query per language; perLanguage ${options.perLanguage} needs strategy "sample" or "beam"`,
    );
  }
  const numReturn = positiveInteger(
    "perLanguage",
    strategy === "greedy" ? 1 : (options.perLanguage ?? d.perLanguage),
    d.limits.perLanguage,
  );
  const numBeams = positiveInteger("numBeams", options.numBeams ?? numReturn, d.limits.numBeams);
  if (strategy === "beam" && numBeams < numReturn) {
    throw invalidOption(
      "numBeams",
      `beam search returns at most numBeams sequences: numBeams ${numBeams} < perLanguage ${numReturn}`,
    );
  }
  const sampling = {
    topK: options.topK ?? d.topK,
    topP: options.topP ?? d.topP,
    temperature: options.temperature ?? d.temperature,
  };
  validateSamplingParams(sampling);
  const prompt = options.prompt ?? d.prompt;
  validatePromptTemplate(prompt);
  const seed = options.seed ?? d.seed;
  if (!Number.isSafeInteger(seed)) throw invalidOption("seed", `seed must be a safe integer, got ${seed}`);
  const lengthPenalty = options.lengthPenalty ?? d.lengthPenalty;
  if (!Number.isFinite(lengthPenalty))
    throw invalidOption("lengthPenalty", `lengthPenalty must be a finite number, got ${lengthPenalty}`);
  return {
    languages,
    languageNames,
    prompt,
    batchSize: positiveInteger("batchSize", options.batchSize ?? d.batchSize, d.limits.batchSize),
    signal: options.signal,
    decode: {
      strategy,
      numReturn,
      maxLength: positiveInteger("maxLength", options.maxLength ?? d.maxLength, d.limits.maxLength),
      seed,
      sampling,
      numBeams,
      lengthPenalty,
      earlyStopping: options.earlyStopping ?? d.earlyStopping,
      finished: oneOf("finished", options.finished ?? d.finished, FINISHED_POLICIES),
    },
  };
}

/** Complete decoding settings for `decodeBatch`: generation options plus the model's special tokens. */
export function decodeSettings(
  options: GenerateOptions<string>,
  tokens: { eosIds: readonly number[]; padId: number },
): DecodeSettings {
  return { ...resolveOptions(options).decode, eosIds: tokens.eosIds, padId: tokens.padId };
}
