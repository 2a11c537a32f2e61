import { basename, relative } from "node:path";
import { hiddenSizeOf, loadModelConfig, maxInputLength } from "./config.js";
import { idOfSnapshot } from "./hub-cache.js";
import { type ModelFiles, type ResolveOptions, resolveModel } from "./resolve.js";

/** What a manifest records about the model that produced it. */
export interface ModelDescription {
  dir: string;
  /** directory name, e.g. "bert-base-multilingual-cased-xor-tydi"; `org/name` for a snapshot in the hub cache */
  id: string;
  task: ModelFiles["task"];
  architecture: string | undefined;
  modelType: string | undefined;
  hiddenSize: number | undefined;
  vocabSize: number | undefined;
  layers: number | undefined;
  maxPositionEmbeddings: number | undefined;
  /** longest input in tokens (special tokens included) the positions allow; undefined for relative positions */
  maxInputLength: number | undefined;
  /** graph files relative to dir */
  graphs: string[];
}

export async function describeModel(dirOrId: string, opts: ResolveOptions = {}): Promise<ModelDescription> {
  const files = resolveModel(dirOrId, opts);
  const config = await loadModelConfig(files.dir);
  const graphs = [files.model, files.encoder, files.decoderMerged, files.decoder, files.decoderWithPast]
    .filter((file): file is string => file !== undefined)
    .map((file) => relative(files.dir, file));
  return {
    dir: files.dir,
    id: idOfSnapshot(files.dir) ?? basename(files.dir),
    task: files.task,
    architecture: config.architectures?.[0],
    modelType: config.model_type,
    hiddenSize: hiddenSizeOf(config),
    vocabSize: config.vocab_size,
    layers: config.num_hidden_layers ?? config.num_layers,
    maxPositionEmbeddings: config.max_position_embeddings,
    maxInputLength: maxInputLength(config),
    graphs,
  };
}
