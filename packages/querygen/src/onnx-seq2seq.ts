import { readFile } from "node:fs/promises";
import {
  createSession,
  type ExpectedNames,
  feedable,
  floatData,
  type InferenceSession,
  type ModelConfig,
  ModelError,
  type ModelFiles,
  type SessionOptions,
  Tensor,
} from "@xqg/models";
import type * as ort from "onnxruntime-node";
import { addSelection, SELECTION_NAMES, SelectionUnsupported } from "./graph-selection.js";
import type { StepModel, StepOutput, StepRequest, TopCandidates } from "./step-model.js";
import { gatherRows, int64Matrix } from "./tensor-rows.js";

/** How the decoder was exported: Optimum's merged graph, or the decoder + decoder-with-past pair. */
export type DecoderForm = "merged" | "split";

/** The graphs of a seq2seq export (paths as `resolveModel` returns them). */
export type Seq2SeqGraphs = Pick<ModelFiles, "encoder" | "decoderMerged" | "decoder" | "decoderWithPast">;

export interface Seq2SeqOptions {
  session?: SessionOptions;
  /** Which decoder graphs to use when a directory has both forms; default: merged when present. */
  decoder?: DecoderForm;
  /**
   * Where the next token is chosen. "graph" (default): the decoder graphs are extended when they are loaded
   * (graph-selection.ts) so that a step returns only the k candidates per row the decoding loop asks for;
   * "js": every step returns the whole vocabulary's logits to JavaScript.
   */
  selection?: Selection;
}

/** Where the next token is chosen: inside the decoder graph (k candidates per row come back) or in JavaScript. */
export type Selection = "js" | "graph";

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
  /** Bytes of decoder outputs copied to JavaScript: the scores (logits, or the graph's candidates) … */
  scoreBytes: number;
  /** … and the KV cache (`present.*`). */
  cacheBytes: number;
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
  readonly stats: Seq2SeqStats = {
    encoderCalls: 0,
    encoderRows: 0,
    decoderCalls: 0,
    decoderPositions: 0,
    scoreBytes: 0,
    cacheBytes: 0,
  };

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
    /** "graph" when both decoder graphs carry the selection nodes, else "js". */
    readonly selection: Selection,
    /** The logits' width, where known: k is capped by it. */
    private readonly vocabSize: number | undefined,
    /** The element type of the KV cache (and of the encoder's hidden states): float32, or float16. */
    readonly floatType: FloatType,
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
    const selection = opts.selection ?? "graph";
    if (selection !== "js" && selection !== "graph") {
      throw new ModelError(`selection must be "js" or "graph", got ${JSON.stringify(selection)}`, {
        code: "invalid-option",
        field: "selection",
      });
    }
    const openDecoder = (file: string, expect: ExpectedNames) =>
      selection === "graph" ? openWithSelection(file, opts.session, expect) : open(file, expect);
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
      const decoderMerged = await openDecoder(graphs.decoderMerged!, {
        inputs: [...first.inputs, ...later.inputs, "use_cache_branch"],
        outputs: first.outputs,
      });
      return wrapOrRelease({ encoder, decoderMerged }, config);
    }
    const decoder = await openDecoder(graphs.decoder!, first);
    return wrapOrRelease(
      { encoder, decoder, decoderWithPast: await openDecoder(graphs.decoderWithPast!, later) },
      config,
    );
  }

  /**
   * Wraps sessions the caller created (e.g. with ORT profiling or another execution provider): the encoder
   * plus either the merged decoder or the decoder / decoder-with-past pair. `open` checks their input and output
   * names (createSession's `expect`); sessions from elsewhere are taken as they are. Decoders opened from
   * `withSelection(bytes)` choose tokens in the graph; others return full logits.
   */
  static fromSessions(sessions: Seq2SeqSessions, config: ModelConfig): OnnxSeq2Seq {
    const { encoder } = sessions;
    const form: DecoderForm = "decoderMerged" in sessions ? "merged" : "split";
    const noCache = "decoderMerged" in sessions ? sessions.decoderMerged : sessions.decoder;
    const cached = "decoderMerged" in sessions ? sessions.decoderMerged : sessions.decoderWithPast;
    const later = form === "merged" ? "merged decoder" : "decoder with past";
    const floatType = pastType(cached, later);
    checkHiddenTypes(encoder, noCache);
    const generation = config.generation ?? {};
    const padId = generation.pad_token_id ?? config.pad_token_id ?? 0;
    const decoderStartId = generation.decoder_start_token_id ?? config.decoder_start_token_id ?? padId;
    const selects = (s: InferenceSession) => s.outputNames.includes(SELECTION_NAMES.indices);
    const selection: Selection = selects(noCache) && selects(cached) ? "graph" : "js";
    const meta = cached.outputMetadata.find((m) => m.name === "logits");
    const width = meta?.isTensor ? meta.shape[2] : undefined;
    const vocabSize = typeof width === "number" ? width : config.vocab_size;
    return new OnnxSeq2Seq(
      encoder,
      noCache,
      cached,
      form,
      shapeOf(cached, config),
      decoderStartId,
      padId,
      selection,
      vocabSize,
      floatType,
    );
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
    return { hidden: feedable(out["last_hidden_state"]!), mask };
  }

  async start(
    prompts: ReadonlyArray<ReadonlyArray<number>>,
    request?: StepRequest,
  ): Promise<StepOutput<KvCache>> {
    const encoded = await this.encode(prompts);
    const starts = prompts.map(() => [this.decoderStartId]);
    const { out, scores } = await this.runNoCache(encoded, starts, request);
    const past = new Map<string, Tensor>();
    for (const [name, tensor] of Object.entries(out)) {
      if (name.startsWith("present.")) past.set(`past_key_values.${name.slice("present.".length)}`, tensor);
    }
    return { ...scores, cache: { ...encoded, past } };
  }

  async next(cache: KvCache, tokens: readonly number[], request?: StepRequest): Promise<StepOutput<KvCache>> {
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
    const { out, scores } = await this.run(this.cached, feeds, rows, request);
    const past = new Map(cache.past);
    for (const [name, tensor] of Object.entries(out)) {
      // The cache branch's encoder presents are empty: the first step's stay in the cache.
      if (name.startsWith("present.") && tensor.size > 0)
        past.set(`past_key_values.${name.slice(8)}`, tensor);
    }
    return { ...scores, cache: { hidden: cache.hidden, mask: cache.mask, past } };
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
    return (await this.runNoCache(state, prefixes)).out["logits"]!;
  }

  async close(): Promise<void> {
    const sessions = new Set([this.encoder, this.noCache, this.cached]);
    for (const session of sessions) await session.release();
  }

  private async runNoCache(
    state: EncoderState,
    prefixes: ReadonlyArray<ReadonlyArray<number>>,
    request?: StepRequest,
  ): Promise<Ran> {
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
      const empty = feedable(
        this.floatType === "float16"
          ? new Tensor("float16", new Uint16Array(0), [rows, heads, 0, headDim])
          : new Tensor("float32", new Float32Array(0), [rows, heads, 0, headDim]),
      );
      for (let i = 0; i < layers; i++) {
        for (const part of ["decoder", "encoder"]) {
          for (const kind of ["key", "value"]) feeds[`past_key_values.${i}.${part}.${kind}`] = empty;
        }
      }
    }
    return this.run(this.noCache, feeds, rows * width, request);
  }

  /**
   * Runs a decoder. With a request for k candidates that the graph can serve (k at most the vocabulary), only
   * `xqg_topk_*` and the presents are fetched: the logits never leave ONNX Runtime. Otherwise the logits are
   * fetched (and the selection, if the graph has it, runs with k = 1 and is not fetched).
   */
  private async run(
    session: InferenceSession,
    values: Record<string, Tensor>,
    positions: number,
    request?: StepRequest,
  ): Promise<Ran> {
    // A graph with the selection nodes needs their inputs fed, even when this run fetches the logits.
    const selecting = session.outputNames.includes(SELECTION_NAMES.indices);
    const k =
      this.selection === "graph" &&
      request &&
      this.vocabSize !== undefined &&
      request.k >= 1 &&
      request.k <= this.vocabSize
        ? request.k
        : undefined;
    const normalise = k !== undefined ? request?.normalise : undefined;
    if (selecting) {
      values[SELECTION_NAMES.k] = new Tensor("int64", [BigInt(k ?? 1)], [1]);
      values[SELECTION_NAMES.normalise] = new Tensor("bool", [normalise !== undefined], [1]);
      values[SELECTION_NAMES.temperature] = new Tensor("float64", [normalise?.temperature ?? 1], [1]);
    }
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
    const presents = session.outputNames.filter((name) => name.startsWith("present."));
    const fetches =
      k === undefined
        ? ["logits", ...presents]
        : [
            SELECTION_NAMES.values,
            SELECTION_NAMES.indices,
            ...(normalise ? [SELECTION_NAMES.logSumExp] : []),
            ...presents,
          ];
    const out = await this.fetch(session, feeds, selecting ? fetches : undefined);
    this.stats.decoderPositions += positions;
    if (k === undefined) return { out, scores: logitsOf(out["logits"]!) };
    const top = topOf(out[SELECTION_NAMES.values]!, out[SELECTION_NAMES.indices]!);
    if (normalise) top.logSumExp = out[SELECTION_NAMES.logSumExp]!.data as Float64Array;
    const fullLogits = async () => logitsOf((await this.fetch(session, feeds, ["logits"]))["logits"]!).logits;
    return {
      out,
      scores: { logits: new Float32Array(0), vocabSize: this.vocabSize!, top, fullLogits },
    };
  }

  private async fetch(
    session: InferenceSession,
    feeds: Record<string, Tensor>,
    fetches: string[] | undefined,
  ): Promise<Record<string, Tensor>> {
    const out = fetches
      ? namedFetches(
          session,
          fetches,
          (await (session as unknown as ort.InferenceSession).run(feeds as never, fetches)) as Record<
            string,
            Tensor
          >,
        )
      : ((await session.run(feeds)) as Record<string, Tensor>);
    this.stats.decoderCalls++;
    const fed: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(out)) {
      const bytes = (tensor.data as ArrayBufferView).byteLength;
      if (name.startsWith("present.")) this.stats.cacheBytes += bytes;
      else this.stats.scoreBytes += bytes;
      // float16 presents are fed back at the next step: as their bits (see @xqg/models' feedable)
      fed[name] = feedable(tensor);
    }
    return fed;
  }
}

/** `fromSessions`, releasing the sessions `open` created when it refuses them. */
async function wrapOrRelease(sessions: Seq2SeqSessions, config: ModelConfig): Promise<OnnxSeq2Seq> {
  try {
    return OnnxSeq2Seq.fromSessions(sessions, config);
  } catch (error) {
    for (const session of new Set(Object.values(sessions) as InferenceSession[])) await session.release();
    throw error;
  }
}

/**
 * The outputs of a run that fetched some of the graph's outputs, by their names. onnxruntime-node 1.23.2
 * returns the fetched values in the graph's output order but names them after the graph's first outputs
 * (fetching [xqg_topk_values, xqg_topk_indices] gives them as "logits" and "present.0.decoder.key"); when the
 * names that come back are not the ones asked for, the values are renamed in output order.
 */
function namedFetches(
  session: InferenceSession,
  fetches: readonly string[],
  out: Record<string, Tensor>,
): Record<string, Tensor> {
  const keys = Object.keys(out);
  if (keys.length === fetches.length && fetches.every((name) => Object.hasOwn(out, name))) return out;
  const position = (name: string) => session.outputNames.indexOf(name);
  const ordered = [...fetches].sort((a, b) => position(a) - position(b));
  const values = Object.values(out);
  if (values.length !== ordered.length) {
    throw new ModelError(`ONNX Runtime returned ${values.length} outputs for ${ordered.length} fetched`, {
      code: "io-mismatch",
    });
  }
  return Object.fromEntries(ordered.map((name, i) => [name, values[i]!]));
}

/** A decoder run: its fetched outputs, and the step's scores (full logits, or the graph's candidates). */
interface Ran {
  out: Record<string, Tensor>;
  scores: Omit<StepOutput<unknown>, "cache">;
}

/**
 * The graph's `[rows, k]` TopK outputs as candidates in the JavaScript path's order: value descending, then
 * index ascending. ONNX's TopK documents exactly that order for equal values; a row found out of it is sorted.
 */
function topOf(valuesTensor: Tensor, indicesTensor: Tensor): TopCandidates {
  const [rows, k] = valuesTensor.dims as [number, number];
  const values = floatData(valuesTensor, SELECTION_NAMES.values);
  const wide = indicesTensor.data as BigInt64Array;
  const indices = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) indices[i] = Number(wide[i]!);
  for (let r = 0; r < rows; r++) {
    const from = r * k;
    let ordered = true;
    for (let i = from + 1; i < from + k && ordered; i++) {
      const a = values[i - 1]!;
      const b = values[i]!;
      ordered = a > b || (a === b && indices[i - 1]! < indices[i]!);
    }
    if (ordered) continue;
    const order = Array.from({ length: k }, (_, i) => from + i).sort(
      (x, y) => values[y]! - values[x]! || indices[x]! - indices[y]!,
    );
    const v = order.map((i) => values[i]!);
    const ids = order.map((i) => indices[i]!);
    values.set(v, from);
    indices.set(ids, from);
  }
  return { k, values, indices };
}

/**
 * Opens a decoder graph with the selection nodes added (graph-selection.ts), from the edited bytes, with the
 * same settings as `createSession` (threads, optimisation level, providers; createSession has already checked
 * them on the encoder). External weights are looked up beside the original file. A graph that cannot take the
 * selection (no float32 or float16 `logits` output, opset below 11) is opened as it is: it returns full logits.
 */
async function openWithSelection(
  file: string,
  session: SessionOptions | undefined,
  expect: ExpectedNames,
): Promise<InferenceSession> {
  let bytes: Uint8Array;
  try {
    bytes = addSelection(await readFile(file));
  } catch (error) {
    // createSession opens the graph as it is, or throws its own error (a missing file: "not found").
    if (error instanceof SelectionUnsupported || (error as { code?: string }).code === "ENOENT")
      return createSession(file, { ...session, expect });
    throw error;
  }
  return createSession(file, { ...session, expect, bytes });
}

/** Logits of the last position of each row, `[rows, vocab]`, without a copy when there is one position. */
export function logitsOf(logits: Tensor): { logits: Float32Array; vocabSize: number } {
  const [rows, positions, vocabSize] = logits.dims as [number, number, number];
  const data = floatData(logits, "the decoder's logits");
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

/**
 * The encoder's `last_hidden_state` is fed to the decoder's `encoder_hidden_states` as it is: a float32 encoder
 * with a float16 decoder (graphs of two exports in one directory) fails here, in one line, not at the first run.
 */
function checkHiddenTypes(encoder: InferenceSession, decoder: InferenceSession): void {
  const out = encoder.outputMetadata.find((m) => m.name === "last_hidden_state");
  const input = decoder.inputMetadata.find((m) => m.name === "encoder_hidden_states");
  if (out?.isTensor && input?.isTensor && out.type !== input.type) {
    throw new ModelError(
      `the encoder's last_hidden_state is ${out.type} but the decoder's encoder_hidden_states is ${input.type}: ` +
        "the graphs come from different exports (float32 and --fp16?); use the encoder and decoder of one export",
      { code: "io-mismatch", field: "encoder_hidden_states" },
    );
  }
}

/** Element types of the KV cache and hidden states that the decoding loop feeds back as it got them. */
export type FloatType = "float32" | "float16";

/**
 * The KV cache's element type, from the cached decoder's `past_key_values` inputs: float32 (`optimum-cli
 * export onnx`), or float16 (`--fp16`). Others are refused in one line.
 */
function pastType(session: InferenceSession, label: string): FloatType {
  const meta = session.inputMetadata.find((m) => PAST.test(m.name));
  if (!meta?.isTensor || meta.type === "float32") return "float32";
  if (meta.type === "float16") return "float16";
  throw new ModelError(
    `${label}: past_key_values are ${meta.type}; @xqg/querygen runs float32 and float16 exports (and int8 ` +
      "quantized ones, whose inputs stay float32)",
    { code: "io-mismatch", file: label },
  );
}
