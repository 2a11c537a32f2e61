import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkOptions } from "@xqg/core";
import { ModelError } from "./errors.js";
import { type HubOptions, hubSettings, isModelId, snapshotLocation } from "./hub-cache.js";

/** What a model directory holds: a single encoder graph, or an encoder plus decoder(s) for generation. */
export type ModelTask = "encoder" | "seq2seq";

/** Absolute paths of the files of one exported model (Optimum / transformers.js layouts). */
export interface ModelFiles {
  dir: string;
  task: ModelTask;
  config: string;
  tokenizer: string;
  generationConfig?: string;
  /** encoder task: the single graph */
  model?: string;
  /** seq2seq task */
  encoder?: string;
  decoderMerged?: string;
  decoder?: string;
  decoderWithPast?: string;
}

export interface ResolveOptions {
  /** Which layout to expect; detected from the files present when left out. */
  task?: ModelTask;
  /** Pick the `*_quantized.onnx` graphs (as `optimum-cli onnxruntime quantize` and transformers.js name them). */
  quantized?: boolean;
  /** Any other variant suffix, e.g. "fp16" for `model_fp16.onnx`; overrides `quantized`. */
  variant?: string;
  /** Where a Hugging Face id (`org/name`) is looked for: revision, cache folder (defaults from HF_* variables). */
  hub?: HubOptions;
}

const RESOLVE_KEYS = ["task", "quantized", "variant", "hub"] as const;

// Optimum writes graphs beside config.json; transformers.js repositories keep them under onnx/.
export const GRAPH_FOLDERS = ["", "onnx"] as const;

/**
 * Finds the ONNX graphs, config and tokenizer of an exported model: a directory, or a Hugging Face id
 * (`org/name`) whose snapshot is in the hub cache. An existing directory wins over an id; nothing is downloaded
 * (`ensureModel` does that). Throws a ModelError naming the file that is missing and the layout that was expected.
 */
export function resolveModel(dirOrId: string, opts: ResolveOptions = {}): ModelFiles {
  checkOptions(opts, RESOLVE_KEYS, "resolveModel");
  const root = resolve(dirOrId);
  if (isDirectory(root) || !isModelId(dirOrId)) return resolveModelDir(root, opts);
  const hub = hubSettings(opts.hub);
  const { snapshot, ref } = snapshotLocation(dirOrId, hub);
  if (snapshot) return resolveModelDir(snapshot, opts);
  throw new ModelError(
    `${dirOrId}: no model directory ${root}, and no snapshot of ${dirOrId}@${hub.revision} in the Hugging Face ` +
      `cache (${ref})`,
    { code: "missing-file", file: root },
  );
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** resolveModel for a directory path only. */
export function resolveModelDir(dir: string, opts: ResolveOptions = {}): ModelFiles {
  const root = resolve(dir);
  if (!isDirectory(root)) {
    throw new ModelError(`${root}: model directory not found`, { code: "missing-file", file: root });
  }
  const suffix = variantSuffix(opts);
  const task = opts.task ?? detectTask(root, suffix);
  const config = requireFile(root, "config.json", "every exported model has config.json beside its graphs");
  const tokenizer = requireFile(
    root,
    "tokenizer.json",
    "export the fast tokenizer (tokenizer.save_pretrained or optimum-cli export onnx writes tokenizer.json)",
  );
  if (task === "encoder") {
    return {
      dir: root,
      task,
      config,
      tokenizer,
      model: requireGraph(root, `model${suffix}.onnx`, "an encoder"),
    };
  }
  const encoder = requireGraph(root, `encoder_model${suffix}.onnx`, "a seq2seq model");
  const decoderMerged = findGraph(root, `decoder_model_merged${suffix}.onnx`);
  const decoder = findGraph(root, `decoder_model${suffix}.onnx`);
  const decoderWithPast = findGraph(root, `decoder_with_past_model${suffix}.onnx`);
  if (!decoderMerged && !(decoder && decoderWithPast)) {
    const missing = decoder ? `decoder_with_past_model${suffix}.onnx` : `decoder_model_merged${suffix}.onnx`;
    throw new ModelError(
      `${root}: ${missing} not found; a seq2seq model needs decoder_model_merged${suffix}.onnx, or ` +
        `decoder_model${suffix}.onnx together with decoder_with_past_model${suffix}.onnx ` +
        `(in the directory or its onnx/ folder)${graphsPresent(root)}`,
      { code: "missing-file", file: join(root, missing) },
    );
  }
  const generationConfig = findFile(root, "generation_config.json");
  return {
    dir: root,
    task,
    config,
    tokenizer,
    ...(generationConfig ? { generationConfig } : {}),
    encoder,
    ...(decoderMerged ? { decoderMerged } : {}),
    ...(decoder ? { decoder } : {}),
    ...(decoderWithPast ? { decoderWithPast } : {}),
  };
}

export function variantSuffix(opts: ResolveOptions): string {
  if (opts.variant !== undefined) {
    if (!/^[A-Za-z0-9_]+$/.test(opts.variant)) {
      throw new ModelError(`variant must be letters, digits or _, got ${JSON.stringify(opts.variant)}`, {
        code: "invalid-option",
      });
    }
    return `_${opts.variant}`;
  }
  return opts.quantized ? "_quantized" : "";
}

function detectTask(root: string, suffix: string): ModelTask {
  if (findGraph(root, `encoder_model${suffix}.onnx`)) return "seq2seq";
  if (findGraph(root, `model${suffix}.onnx`)) return "encoder";
  throw new ModelError(
    `${root}: no model${suffix}.onnx (encoder) or encoder_model${suffix}.onnx (seq2seq) found in the directory ` +
      `or its onnx/ folder${graphsPresent(root)}`,
    { code: "missing-file", file: join(root, `model${suffix}.onnx`) },
  );
}

function findGraph(root: string, name: string): string | undefined {
  for (const folder of GRAPH_FOLDERS) {
    const file = join(root, folder, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

function requireGraph(root: string, name: string, what: string): string {
  const file = findGraph(root, name);
  if (file) return file;
  throw new ModelError(
    `${root}: ${name} not found; ${what} is expected as ${name} or onnx/${name}${graphsPresent(root)}`,
    { code: "missing-file", file: join(root, name) },
  );
}

function findFile(root: string, name: string): string | undefined {
  const file = join(root, name);
  return existsSync(file) ? file : undefined;
}

function requireFile(root: string, name: string, hint: string): string {
  const file = findFile(root, name);
  if (file) return file;
  throw new ModelError(`${root}: ${name} not found (${hint})`, {
    code: "missing-file",
    file: join(root, name),
  });
}

function graphsPresent(root: string): string {
  const found: string[] = [];
  for (const folder of GRAPH_FOLDERS) {
    const path = join(root, folder);
    if (!existsSync(path) || !statSync(path).isDirectory()) continue;
    for (const name of readdirSync(path))
      if (name.endsWith(".onnx")) found.push(folder ? `${folder}/${name}` : name);
  }
  return found.length > 0 ? `; graphs present: ${found.sort().join(", ")}` : "; no .onnx files present";
}
