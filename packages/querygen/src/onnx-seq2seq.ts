import {
  createSession,
  type ExpectedNames,
  type InferenceSession,
  type ModelConfig,
  ModelError,
  type ModelFiles,
  type SessionOptions,
  Tensor,
} from "@xqg/models";
import type { StepModel, StepOutput } from "./step-model.js";
import { gatherRows, int64Matrix } from "./tensor-rows.js";

/** How the decoder was exported: Optimum's merged graph, or the decoder + decoder-with-past pair. */
export type DecoderForm = "merged" | "split";

/** The graphs of a seq2seq export (paths as `resolveModel` returns them). */
export type Seq2SeqGraphs = Pick<ModelFiles, "encoder" | "decoderMerged" | "decoder" | "decoderWithPast">;

export interface Seq2SeqOptions {
  session?: SessionOptions;
  /** Which decoder graphs to use when a directory has both forms; default: merged when present. */
  decoder?: DecoderForm;
}

/** Sessions of a seq2seq export: the encoder and one of the two decoder forms. */
export type Seq2SeqSessions =
  | { encoder: InferenceSession; decoderMerged: InferenceSession }
  | { encoder: InferenceSession; decoder: InferenceSession; decoderWithPast: InferenceSession };

/** Encoder output for a batch of prompts, row i belonging to prompt i. */
export interface EncoderState {
  /** `encoder_hidden_states`, [rows, promptLength, d_model] */
  hidden: Tensor;
  /** `encoder_attention_mask`, [rows, promptLength] int64 */
  mask: Tensor;
}

/** Decoder state between steps: the encoder output plus every `past_key_values.*` tensor, per row. */
export interface KvCache extends EncoderState {
  past: ReadonlyMap<string, Tensor>;
}

/** Work done so far; tests use it to prove that the encoder ran once per prompt. */
export interface Seq2SeqStats {
  encoderCalls: number;
  encoderRows: number;
  decoderCalls: number;
  /** Sum over decoder calls of rows × new positions. */
  decoderPositions: number;
}

interface Shape {
  layers: number;
  heads: number;
  headDim: number;
}

const PAST = /^past_key_values\.(\d+)\.(decoder|encoder)\.(key|value)$/;

/**
 * A seq2seq model on ONNX Runtime that decodes with a KV cache: the encoder runs once per prompt; the
 * first decoder step computes every layer's self- and cross-attention keys and values; later steps feed
 * one token per row and the cached tensors. With the merged decoder the first step takes the no-cache
 * branch (`use_cache_branch` false, zero-length dummy pasts) and later steps the cache branch, whose
 * `present.*.encoder.*` outputs are empty and are never fed back: the first step's are kept.
 */
export class OnnxSeq2Seq implements StepModel<KvCache> {
  readonly stats: Seq2SeqStats = { encoderCalls: 0, encoderRows: 0, decoderCalls: 0, decoderPositions: 0 };

  private constructor(
    private readonly encoder: InferenceSession,
    /** Decoder used without a cache (first step, full recompute). */
    private readonly noCache: InferenceSession,
    /** Decoder used with a cache; the same session as noCache for the merged form. */
    private readonly cached: InferenceSession,
    readonly form: DecoderForm,
    private readonly shape: Shape,
    readonly decoderStartId: number,
    readonly padId: number,
  ) {}

  /** Opens the graphs with `createSession` (threads, optimisation level, providers from `opts.session`). */
  static async open(
    graphs: Seq2SeqGraphs,
    config: ModelConfig,
    opts: Seq2SeqOptions = {},
  ): Promise<OnnxSeq2Seq> {
    const form = opts.decoder ?? (graphs.decoderMerged ? "merged" : "split");
    const missing =
      form === "merged"
        ? !graphs.decoderMerged && "decoder_model_merged.onnx"
        : (!graphs.decoder && "decoder_model.onnx") ||
          (!graphs.decoderWithPast && "decoder_with_past_model.onnx");
    if (!graphs.encoder || missing) {
      throw new ModelError(
        `decoder: "${form}" needs ${graphs.encoder ? missing : "encoder_model.onnx"}, which the model does not have`,
        { code: "missing-file" },
      );
    }
    const open = (file: string, expect: ExpectedNames) => createSession(file, { ...opts.session, expect });
    const encoder = await open(graphs.encoder, {
      inputs: ["input_ids", "attention_mask"],
      outputs: ["last_hidden_state"],
    });
    const decoderNames = {
      inputs: ["input_ids", "encoder_attention_mask"],
      outputs: ["logits", /^present\.\d+\.decoder\.key$/],
    };
    const first = {
      inputs: [...decoderNames.inputs, "encoder_hidden_states"],
      outputs: [...decoderNames.outputs, /^present\.\d+\.encoder\.key$/],
    };
    const later = {
      ...decoderNames,
      inputs: [...decoderNames.inputs, /^past_key_values\.\d+\.encoder\.key$/],
    };
    if (form === "merged") {
      const decoderMerged = await open(graphs.decoderMerged!, {
        inputs: [...first.inputs, ...later.inputs, "use_cache_branch"],
        outputs: first.outputs,
      });
      return OnnxSeq2Seq.fromSessions({ encoder, decoderMerged }, config);
    }
    const decoder = await open(graphs.decoder!, first);
    return OnnxSeq2Seq.fromSessions(
      { encoder, decoder, decoderWithPast: await open(graphs.decoderWithPast!, later) },
      config,
    );
  }

  /**
   * Wraps sessions the caller created (e.g. with ORT profiling or another execution provider): the encoder
   * plus either the merged decoder or the decoder / decoder-with-past pair. `open` checks their input and output
   * names (createSession's `expect`); sessions from elsewhere are taken as they are.
   */
  static fromSessions(sessions: Seq2SeqSessions, config: ModelConfig): OnnxSeq2Seq {
    const { encoder } = sessions;
    const form: DecoderForm = "decoderMerged" in sessions ? "merged" : "split";
    const noCache = "decoderMerged" in sessions ? sessions.decoderMerged : sessions.decoder;
    const cached = "decoderMerged" in sessions ? sessions.decoderMerged : sessions.decoderWithPast;
    const later = form === "merged" ? "merged decoder" : "decoder with past";
    checkFloat32(cached, later);
    const generation = config.generation ?? {};
    const padId = generation.pad_token_id ?? config.pad_token_id ?? 0;
    const decoderStartId = generation.decoder_start_token_id ?? config.decoder_start_token_id ?? padId;
    return new OnnxSeq2Seq(encoder, noCache, cached, form, shapeOf(cached, config), decoderStartId, padId);
  }

  /** Runs the encoder once over the prompts (padded to the longest, masked). */
  async encode(prompts: ReadonlyArray<ReadonlyArray<number>>): Promise<EncoderState> {
    const width = Math.max(1, ...prompts.map((p) => p.length));
    const padded = prompts.map((p) => [...p, ...new Array<number>(width - p.length).fill(this.padId)]);
    const mask = int64Matrix(
      prompts.map((p) => Array.from({ length: width }, (_, j) => (j < p.length ? 1 : 0))),
      width,
    );
    const out = await this.encoder.run({ input_ids: int64Matrix(padded, width), attention_mask: mask });
    this.stats.encoderCalls++;
    this.stats.encoderRows += prompts.length;
    return { hidden: out["last_hidden_state"]!, mask };
  }

  async start(prompts: ReadonlyArray<ReadonlyArray<number>>): Promise<StepOutput<KvCache>> {
    const encoded = await this.encode(prompts);
    const starts = prompts.map(() => [this.decoderStartId]);
    const out = await this.runNoCache(encoded, starts);
    const past = new Map<string, Tensor>();
    for (const [name, tensor] of Object.entries(out)) {
      if (name.startsWith("present.")) past.set(`past_key_values.${name.slice("present.".length)}`, tensor);
    }
    return { ...logitsOf(out["logits"]!), cache: { ...encoded, past } };
  }

  async next(cache: KvCache, tokens: readonly number[]): Promise<StepOutput<KvCache>> {
    const rows = cache.hidden.dims[0]!;
    if (tokens.length !== rows) throw new Error(`next: ${tokens.length} tokens for a cache of ${rows} rows`);
    const feeds: Record<string, Tensor> = {
      input_ids: int64Matrix(
        tokens.map((t) => [t]),
        1,
      ),
      encoder_attention_mask: cache.mask,
      encoder_hidden_states: cache.hidden,
      use_cache_branch: new Tensor("bool", [true], [1]),
    };
    for (const [name, tensor] of cache.past) feeds[name] = tensor;
    const out = await this.run(this.cached, feeds, rows);
    const past = new Map(cache.past);
    for (const [name, tensor] of Object.entries(out)) {
      // The cache branch's encoder presents are empty: the first step's stay in the cache.
      if (name.startsWith("present.") && tensor.size > 0)
        past.set(`past_key_values.${name.slice(8)}`, tensor);
    }
    return { ...logitsOf(out["logits"]!), cache: { hidden: cache.hidden, mask: cache.mask, past } };
  }

  select(cache: KvCache, rows: readonly number[]): KvCache {
    const past = new Map<string, Tensor>();
    for (const [name, tensor] of cache.past) past.set(name, gatherRows(tensor, rows));
    return { hidden: gatherRows(cache.hidden, rows), mask: gatherRows(cache.mask, rows), past };
  }

  /** Selects rows of an encoder state (for callers that keep one without a cache). */
  selectEncoder(state: EncoderState, rows: readonly number[]): EncoderState {
    return { hidden: gatherRows(state.hidden, rows), mask: gatherRows(state.mask, rows) };
  }

  /**
   * Logits for every position of each decoder prefix, computed without a cache (the decoder re-reads the
   * whole prefix): `[rows, prefixLength, vocab]`. Prefixes start with the decoder start token and must have
   * equal lengths.
   */
  async forward(state: EncoderState, prefixes: ReadonlyArray<ReadonlyArray<number>>): Promise<Tensor> {
    return (await this.runNoCache(state, prefixes))["logits"]!;
  }

  async close(): Promise<void> {
    const sessions = new Set([this.encoder, this.noCache, this.cached]);
    for (const session of sessions) await session.release();
  }

  private async runNoCache(
    state: EncoderState,
    prefixes: ReadonlyArray<ReadonlyArray<number>>,
  ): Promise<Record<string, Tensor>> {
    const rows = prefixes.length;
    const width = prefixes[0]?.length ?? 0;
    if (prefixes.some((p) => p.length !== width)) throw new Error("decoder prefixes must have equal lengths");
    const feeds: Record<string, Tensor> = {
      input_ids: int64Matrix(prefixes, width),
      encoder_attention_mask: state.mask,
      encoder_hidden_states: state.hidden,
    };
    if (this.form === "merged") {
      feeds["use_cache_branch"] = new Tensor("bool", [false], [1]);
      // The no-cache branch ignores the pasts, but every graph input must be fed.
      const { heads, headDim, layers } = this.shape;
      const empty = new Tensor("float32", new Float32Array(0), [rows, heads, 0, headDim]);
      for (let i = 0; i < layers; i++) {
        for (const part of ["decoder", "encoder"]) {
          for (const kind of ["key", "value"]) feeds[`past_key_values.${i}.${part}.${kind}`] = empty;
        }
      }
    }
    return this.run(this.noCache, feeds, rows * width);
  }

  private async run(
    session: InferenceSession,
    values: Record<string, Tensor>,
    positions: number,
  ): Promise<Record<string, Tensor>> {
    const feeds: Record<string, Tensor> = {};
    for (const name of session.inputNames) {
      const value = values[name];
      if (!value) {
        throw new ModelError(
          `decoder input "${name}" is not one xqg knows how to feed; expected input_ids, encoder_attention_mask, ` +
            "encoder_hidden_states, use_cache_branch and past_key_values.N.{decoder,encoder}.{key,value}",
          { code: "io-mismatch" },
        );
      }
      feeds[name] = value;
    }
    const out = (await session.run(feeds)) as Record<string, Tensor>;
    this.stats.decoderCalls++;
    this.stats.decoderPositions += positions;
    return out;
  }
}

/** Logits of the last position of each row, `[rows, vocab]`, without a copy when there is one position. */
export function logitsOf(logits: Tensor): { logits: Float32Array; vocabSize: number } {
  const [rows, positions, vocabSize] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array;
  if (positions === 1) return { logits: data, vocabSize };
  const last = new Float32Array(rows * vocabSize);
  for (let r = 0; r < rows; r++) {
    const from = (r * positions + positions - 1) * vocabSize;
    last.set(data.subarray(from, from + vocabSize), r * vocabSize);
  }
  return { logits: last, vocabSize };
}

function shapeOf(session: InferenceSession, config: ModelConfig): Shape {
  const layers = new Set(session.inputNames.map((n) => PAST.exec(n)?.[1]).filter((n) => n !== undefined))
    .size;
  const meta = session.inputMetadata.find((m) => m.name === "past_key_values.0.decoder.key");
  const dims = meta?.isTensor ? meta.shape : [];
  const heads = typeof dims[1] === "number" ? dims[1] : config.num_heads;
  const headDim = typeof dims[3] === "number" ? dims[3] : config.d_kv;
  if (heads === undefined || headDim === undefined) {
    throw new ModelError(
      "config.json must give num_heads and d_kv (the graph's past_key_values shapes are symbolic)",
      { code: "bad-json" },
    );
  }
  return { layers, heads, headDim };
}

function checkFloat32(session: InferenceSession, label: string): void {
  const meta = session.inputMetadata.find((m) => PAST.test(m.name));
  if (meta?.isTensor && meta.type !== "float32") {
    throw new ModelError(
      `${label}: past_key_values are ${meta.type}; @xqg/querygen runs float32 exports (export without --fp16)`,
      { code: "io-mismatch", file: label },
    );
  }
}
