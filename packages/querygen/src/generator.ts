import { checkOptions, checkRecord } from "@xqg/core";
import type { GeneratedQueries, Lang } from "@xqg/corpus";
import {
  checkEmbeddingTable,
  ensureModel,
  type HubOptions,
  loadModelConfig,
  loadTokenizer,
  type ModelConfig,
  type ModelFiles,
  type SessionOptions,
  type Tokenizer,
} from "@xqg/models";
import { decodeBatch, type GeneratedSequence, type PromptRequest } from "./decode.js";
import { GenerationError, invalidOption } from "./errors.js";
import { type DecoderForm, OnnxSeq2Seq, type Selection } from "./onnx-seq2seq.js";
import {
  GENERATION_DEFAULTS,
  type GenerateOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { formatPrompt } from "./prompt.js";
import { withoutCache } from "./recompute.js";
import type { StepModel } from "./step-model.js";

export interface GeneratorOptions {
  /** ONNX Runtime session settings (threads, optimisation level, execution providers). */
  session?: SessionOptions;
  /** Use the `*_quantized.onnx` graphs (int8, as `optimum-cli onnxruntime quantize` names them). */
  quantized?: boolean;
  /** Any other graph suffix, e.g. "fp16" for `encoder_model_fp16.onnx` + `decoder_model_merged_fp16.onnx`; overrides `quantized`. */
  variant?: string;
  /** Decoder graphs to use when the directory has both forms; default merged. */
  decoder?: DecoderForm;
  /**
   * Where the next token is chosen: "graph" (default) adds the choice to the decoder graphs when they are loaded,
   * so that only k candidates per row leave ONNX Runtime (greedy, top-k sampling); "js" copies every row's
   * logits to JavaScript at every step. Both give the same tokens.
   */
  selection?: Selection;
  /** Decode with the KV cache (default). false re-runs the decoder over the whole prefix at every step. */
  kvCache?: boolean;
  /** Prompt tokens kept (the end-of-sequence token included); longer passages are cut. Default 512. */
  maxInputLength?: number;
  /** For a Hugging Face id: revision, cache, endpoint, token, offline (defaults from the HF_* variables). */
  hub?: HubOptions;
}

/** One generated sequence of `complete`. */
export interface Completion extends GeneratedSequence {
  text: string;
}

/** A passage as `generate` reads it; extra fields are ignored. */
export interface GenerationPassage {
  docid: string;
  title?: string;
  text: string;
}

export interface Generator {
  readonly files: ModelFiles;
  readonly decoderForm: DecoderForm;
  /** Where tokens are chosen: "graph" unless asked for "js" or the decoder graphs cannot take the selection. */
  readonly selection: Selection;
  /**
   * Generated queries for each passage, in input order: `perLanguage` per language. Reads the passages
   * lazily, so a corpus of any size streams through in bounded memory.
   */
  generate<L extends string = Lang>(
    passages: AsyncIterable<GenerationPassage> | Iterable<GenerationPassage>,
    options?: GenerateOptions<L>,
  ): AsyncIterable<GeneratedQueries<L>>;
  /**
   * Decodes ready-made prompts (no template): per prompt, its sequences with token ids. Random streams are
   * keyed by the prompt text, so equal prompts give equal samples wherever they stand.
   */
  complete(prompts: readonly string[], options?: GenerateOptions<string>): Promise<Completion[][]>;
  close(): Promise<void>;
}

const GENERATOR_KEYS = [
  "session",
  "quantized",
  "variant",
  "decoder",
  "selection",
  "kvCache",
  "maxInputLength",
  "hub",
] as const;

/**
 * Opens a seq2seq export (Optimum layout: encoder_model.onnx + merged or split decoder, tokenizer.json): a
 * directory, or a Hugging Face id (`org/name`) — an existing directory of that name wins, then the snapshot in
 * the hub cache, then a download of its ONNX export (see @xqg/models' ensureModel).
 */
export async function createGenerator(dirOrId: string, opts: GeneratorOptions = {}): Promise<Generator> {
  checkOptions(opts, GENERATOR_KEYS, "createGenerator");
  const maxInputLength = opts.maxInputLength ?? GENERATION_DEFAULTS.maxInputLength;
  const ceiling = GENERATION_DEFAULTS.limits.maxInputLength;
  if (!Number.isInteger(maxInputLength) || maxInputLength < 2 || maxInputLength > ceiling) {
    throw invalidOption(
      "maxInputLength",
      `maxInputLength must be an integer from 2 to ${ceiling} (prompt tokens; attention memory grows with ` +
        `its square), got ${maxInputLength}`,
    );
  }
  if (opts.selection !== undefined && opts.selection !== "js" && opts.selection !== "graph") {
    throw invalidOption(
      "selection",
      `selection must be "js" or "graph", got ${JSON.stringify(opts.selection)}`,
    );
  }
  const files = await ensureModel(dirOrId, {
    task: "seq2seq",
    ...(opts.quantized ? { quantized: true } : {}),
    ...(opts.variant !== undefined ? { variant: opts.variant } : {}),
    ...(opts.decoder ? { decoder: opts.decoder } : {}),
    ...(opts.hub ? { hub: opts.hub } : {}),
  });
  const config = await loadModelConfig(files.dir);
  const tokenizer = await loadTokenizer(files.tokenizer);
  if (files.encoder) {
    checkEmbeddingTable(files.encoder, {
      tokenizer,
      tokenizerFile: files.tokenizer,
      config,
      configFile: files.config,
    });
  }
  const model = await OnnxSeq2Seq.open(files, config, {
    ...(opts.session ? { session: opts.session } : {}),
    ...(opts.decoder ? { decoder: opts.decoder } : {}),
    ...(opts.selection ? { selection: opts.selection } : {}),
  });
  const stepModel: StepModel<unknown> =
    (opts.kvCache ?? GENERATION_DEFAULTS.kvCache)
      ? (model as StepModel<unknown>)
      : (withoutCache(model) as StepModel<unknown>);
  const eosIds = eosIdsOf(config, tokenizer, files.config);
  const padId = model.padId;

  const decodeTexts: DecodeTexts = async (texts, keys, resolved, sampleRange) => {
    const encodings = tokenizer.encodeBatch(texts, { maxLength: maxInputLength });
    const requests = encodings.map((e, i) => ({ ids: e.ids, key: keys[i]! }));
    const sequences = await decodeBatch(stepModel, requests, {
      ...resolved.decode,
      eosIds,
      padId,
      ...(sampleRange ? { sampleRange } : {}),
    });
    return sequences.map((seqs) =>
      seqs.map((s) => ({ ...s, text: tokenizer.decode(s.tokens, { skipSpecialTokens: true }) })),
    );
  };

  return {
    files,
    decoderForm: model.form,
    selection: model.selection,
    generate: <L extends string = Lang>(
      passages: AsyncIterable<GenerationPassage> | Iterable<GenerationPassage>,
      options?: GenerateOptions<L>,
    ) =>
      generateQueries(passages, resolveOptions(options), decodeTexts, options ?? {}) as AsyncIterable<
        GeneratedQueries<L>
      >,
    async complete(prompts, options = {}) {
      const resolved = resolveOptions(options, "complete");
      const out: Completion[][] = [];
      for (let i = 0; i < prompts.length; i += resolved.batchSize) {
        options.signal?.throwIfAborted();
        const texts = prompts.slice(i, i + resolved.batchSize);
        out.push(
          ...(await decodeTexts(
            [...texts],
            texts.map((t) => [t]),
            resolved,
          )),
        );
        options.onProgress?.({ unit: "rows", task: "generate", done: out.length, total: prompts.length });
      }
      return out;
    },
    close: () => model.close(),
  };
}

function eosIdsOf(config: ModelConfig, tokenizer: Tokenizer, file: string): number[] {
  const configured = config.generation?.eos_token_id ?? config.eos_token_id ?? tokenizer.eosId;
  if (configured === undefined) {
    throw new GenerationError(
      "the model names no end-of-sequence token (generation_config.json / config.json eos_token_id)",
      { code: "no-eos", file },
    );
  }
  return Array.isArray(configured) ? configured : [configured];
}

interface Pending {
  record: GeneratedQueries<string>;
  remaining: number;
}

type DecodeTexts = (
  texts: string[],
  keys: PromptRequest["key"][],
  resolved: ResolvedOptions,
  sampleRange?: { from: number; count: number },
) => Promise<Completion[][]>;

/**
 * Sequences one decode call holds at most: `batchSize` prompts × the default 5 samples. A larger `perLanguage`
 * is decoded in several calls over the same prompts (sample ranges), so memory stays bounded by the batch,
 * whatever `perLanguage` is; the queries are the same as in one call.
 */
const SEQUENCES_PER_PROMPT = 5;

async function decodeInRanges(
  decodeTexts: DecodeTexts,
  texts: string[],
  keys: PromptRequest["key"][],
  resolved: ResolvedOptions,
): Promise<Completion[][]> {
  const { strategy, numReturn } = resolved.decode;
  const cap = resolved.batchSize * SEQUENCES_PER_PROMPT;
  if (strategy !== "sample" || texts.length * numReturn <= cap) return decodeTexts(texts, keys, resolved);
  const chunk = Math.max(1, Math.floor(cap / texts.length));
  const out: Completion[][] = texts.map(() => []);
  for (let from = 0; from < numReturn; from += chunk) {
    resolved.signal?.throwIfAborted();
    const part = await decodeTexts(texts, keys, resolved, { from, count: Math.min(chunk, numReturn - from) });
    for (const [i, completions] of part.entries()) out[i]!.push(...completions);
  }
  return out;
}

/**
 * Streams passages × languages into batches of prompts (a batch mixes passages and languages) and yields
 * each passage's record as soon as all of its languages are decoded, keeping input order.
 */
async function* generateQueries(
  passages: AsyncIterable<GenerationPassage> | Iterable<GenerationPassage>,
  resolved: ResolvedOptions,
  decodeTexts: DecodeTexts,
  { onProgress, signal }: GenerateOptions<string>,
): AsyncIterable<GeneratedQueries<string>> {
  signal?.throwIfAborted();
  const total = Array.isArray(passages) ? passages.length : undefined;
  const pending: Pending[] = [];
  let batch: Array<{ owner: Pending; lang: string; text: string }> = [];
  let completed = 0;
  const run = async () => {
    signal?.throwIfAborted();
    const results = await decodeInRanges(
      decodeTexts,
      batch.map((b) => b.text),
      batch.map((b) => [b.owner.record.docid, b.lang]),
      resolved,
    );
    batch.forEach(({ owner, lang }, i) => {
      owner.record.queries[lang] = results[i]!.map((c) => c.text);
      owner.remaining--;
      if (owner.remaining === 0) completed++;
    });
    batch = [];
    onProgress?.({ unit: "rows", task: "generate", done: completed, total });
  };
  let index = 0;
  for await (const passage of passages) {
    if (index === 0) checkRecord(passage, { docid: "string", text: "string" }, "generate: passages");
    checkPassage(passage, index++);
    const owner: Pending = {
      record: { docid: passage.docid, queries: {} },
      remaining: resolved.languages.length,
    };
    pending.push(owner);
    for (const lang of resolved.languages) {
      const text = formatPrompt(
        resolved.prompt,
        { lang, title: passage.title ?? "", passage: passage.text },
        resolved.languageNames,
      );
      batch.push({ owner, lang, text });
      if (batch.length >= resolved.batchSize) await run();
    }
    while (pending[0] && pending[0].remaining === 0) {
      signal?.throwIfAborted();
      yield orderedRecord(pending.shift()!.record, resolved.languages);
    }
  }
  if (batch.length > 0) await run();
  for (const owner of pending) {
    signal?.throwIfAborted();
    yield orderedRecord(owner.record, resolved.languages);
  }
}

/** Languages in the order asked for, whatever order the batches finished in. */
function orderedRecord(
  record: GeneratedQueries<string>,
  languages: readonly string[],
): GeneratedQueries<string> {
  const queries: GeneratedQueries<string>["queries"] = {};
  for (const lang of languages) queries[lang] = record.queries[lang]!;
  return { docid: record.docid, queries };
}

function checkPassage(passage: GenerationPassage, index: number): void {
  const where = `passage ${index}${typeof passage?.docid === "string" ? ` (docid ${passage.docid})` : ""}`;
  const invalid = (field: string | undefined, problem: string) =>
    new GenerationError(`${where}: ${problem}`, { code: "invalid-record", field });
  if (typeof passage !== "object" || passage === null) throw invalid(undefined, "expected an object");
  if (typeof passage.docid !== "string" || passage.docid === "")
    throw invalid("docid", 'field "docid" must be a non-empty string');
  if (typeof passage.text !== "string") throw invalid("text", 'field "text" must be a string');
  if (passage.title !== undefined && typeof passage.title !== "string")
    throw invalid("title", 'field "title" must be a string');
}
