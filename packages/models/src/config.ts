import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkOptions } from "@xqg/core";
import { ModelError } from "./errors.js";
import { readJsonFile } from "./json.js";

/** generation_config.json as transformers writes it (fields used by xqg typed, the rest kept). */
export interface GenerationConfig {
  decoder_start_token_id?: number;
  eos_token_id?: number | number[];
  pad_token_id?: number;
  bos_token_id?: number;
  max_length?: number;
  do_sample?: boolean;
  top_k?: number;
  top_p?: number;
  temperature?: number;
  num_beams?: number;
  [key: string]: unknown;
}

/** config.json as transformers writes it (snake_case, as on disk), with generation_config.json under `generation`. */
export interface ModelConfig {
  model_type?: string;
  architectures?: string[];
  vocab_size?: number;
  hidden_size?: number;
  d_model?: number;
  num_hidden_layers?: number;
  num_layers?: number;
  num_decoder_layers?: number;
  num_attention_heads?: number;
  num_heads?: number;
  d_kv?: number;
  max_position_embeddings?: number;
  pad_token_id?: number;
  eos_token_id?: number | number[];
  decoder_start_token_id?: number;
  is_encoder_decoder?: boolean;
  /** generation_config.json, when the directory has one */
  generation?: GenerationConfig;
  [key: string]: unknown;
}

/** Reads `config.json` (and `generation_config.json` when present) from a model directory or a config file path. */
export async function loadModelConfig(dirOrFile: string): Promise<ModelConfig> {
  const isDir = existsSync(dirOrFile) && statSync(dirOrFile).isDirectory();
  const file = isDir ? join(dirOrFile, "config.json") : dirOrFile;
  const parsed = await readJsonFile(file);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ModelError(`${file}: expected a JSON object`, { code: "bad-json", file: file });
  }
  const config = parsed as ModelConfig;
  checkNumberFields(file, config);
  const generationFile = join(isDir ? dirOrFile : dirname(file), "generation_config.json");
  if (!existsSync(generationFile)) return { ...config };
  const generation = await readJsonFile(generationFile);
  if (generation === null || typeof generation !== "object" || Array.isArray(generation)) {
    throw new ModelError(`${generationFile}: expected a JSON object`, {
      code: "bad-json",
      file: generationFile,
    });
  }
  return { ...config, generation: generation as GenerationConfig };
}

const NUMBER_FIELDS = [
  "vocab_size",
  "hidden_size",
  "d_model",
  "num_hidden_layers",
  "num_layers",
  "num_decoder_layers",
  "num_attention_heads",
  "num_heads",
  "d_kv",
  "max_position_embeddings",
] as const;

function checkNumberFields(file: string, config: ModelConfig): void {
  for (const field of NUMBER_FIELDS) {
    const value = config[field];
    if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value <= 0)) {
      throw new ModelError(
        `${file}: field "${field}" must be a positive integer, got ${JSON.stringify(value)}`,
        { code: "bad-json", file: file },
      );
    }
  }
}

/** Width of the model's hidden states (BERT-style `hidden_size`, T5-style `d_model`). */
export function hiddenSizeOf(config: ModelConfig): number | undefined {
  return config.hidden_size ?? config.d_model;
}

// RoBERTa-family position ids start after padding_idx, so two of max_position_embeddings are unusable.
const OFFSET_POSITION_MODELS = new Set(["roberta", "xlm-roberta", "camembert", "xlm-roberta-xl"]);

/**
 * The longest input (in tokens, special tokens included) the model's position embeddings allow, or undefined
 * for models without absolute positions (T5's relative buckets have no limit).
 */
export function maxInputLength(config: ModelConfig): number | undefined {
  const positions = config.max_position_embeddings;
  if (positions === undefined) return undefined;
  if (config.model_type && OFFSET_POSITION_MODELS.has(config.model_type)) {
    return positions - (config.pad_token_id ?? 1) - 1;
  }
  return positions;
}

export interface ClampOptions {
  /** Called with the warning text when the length is clamped; defaults to process.emitWarning. */
  warn?: (message: string) => void;
}

/**
 * Returns `requested` or, when it exceeds what the model's position embeddings allow, that limit (with a
 * warning), so an over-long setting never reaches ONNX Runtime as an out-of-range position index.
 */
export function clampMaxLength(requested: number, config: ModelConfig, opts: ClampOptions = {}): number {
  checkOptions(opts, ["warn"], "clampMaxLength");
  if (!Number.isInteger(requested) || requested < 1) {
    throw new ModelError(`maxLength must be a positive integer, got ${JSON.stringify(requested)}`, {
      code: "invalid-option",
    });
  }
  const limit = maxInputLength(config);
  if (limit === undefined || requested <= limit) return requested;
  const warn = opts.warn ?? ((message: string) => process.emitWarning(message, { code: "XQG_MAX_LENGTH" }));
  warn(
    `maxLength ${requested} exceeds the model's max_position_embeddings limit of ${limit} tokens; using ${limit}`,
  );
  return limit;
}
