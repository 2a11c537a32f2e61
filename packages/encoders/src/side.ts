import {
  checkEmbeddingTable,
  createSession,
  type Encoding,
  ensureModel,
  floatData,
  type HubOptions,
  type InferenceSession,
  loadModelConfig,
  loadTokenizer,
  type ModelConfig,
  ModelError,
  type SessionOptions,
  Tensor,
  type Tokenizer,
} from "@xqg/models";
import { planBatches } from "./batching.js";
import { l2NormalizeRows, POOLERS, type Pooling } from "./pooling.js";

export interface LoadOptions {
  session?: SessionOptions;
  quantized?: boolean;
  variant?: string;
  /** Graph output holding per-token states; default `last_hidden_state`. */
  output?: string;
  /** For a Hugging Face id: revision, cache, endpoint, token, offline (defaults from the HF_* variables). */
  hub?: HubOptions;
}

export interface EmbedOptions {
  pooling: Pooling;
  normalize: boolean;
  batchSize: number;
  signal?: AbortSignal | undefined;
}

type IdTensorType = "int64" | "int32";

/** One exported encoder (a directory): its tokenizer, config and ONNX session, and how to feed it. */
export class EncoderSide {
  private constructor(
    readonly dir: string,
    readonly tokenizer: Tokenizer,
    readonly config: ModelConfig,
    readonly session: InferenceSession,
    readonly dimensions: number,
    private readonly output: string,
    private readonly feedsTypeIds: boolean,
    private readonly idType: IdTensorType,
  ) {}

  /** Opens a model directory, or a Hugging Face id (`org/name`: the hub cache, else downloaded into it). */
  static async load(dirOrId: string, opts: LoadOptions = {}): Promise<EncoderSide> {
    const files = await ensureModel(dirOrId, {
      task: "encoder",
      quantized: opts.quantized,
      variant: opts.variant,
      hub: opts.hub,
    });
    const [config, tokenizer] = await Promise.all([
      loadModelConfig(files.dir),
      loadTokenizer(files.tokenizer),
    ]);
    checkEmbeddingTable(files.model!, {
      tokenizer,
      tokenizerFile: files.tokenizer,
      config,
      configFile: files.config,
    });
    const output = opts.output ?? "last_hidden_state";
    const session = await createSession(files.model!, {
      ...opts.session,
      expect: { inputs: ["input_ids", "attention_mask"], outputs: [output] },
    });
    const dimensions = outputWidth(session, output) ?? config.hidden_size ?? config.d_model;
    if (dimensions === undefined) {
      throw new ModelError(`${files.config}: no hidden_size or d_model, and ${output} has no fixed width`, {
        code: "bad-json",
      });
    }
    const idType = inputType(session, "input_ids", files.model!);
    return new EncoderSide(
      files.dir,
      tokenizer,
      config,
      session,
      dimensions,
      output,
      session.inputNames.includes("token_type_ids"),
      idType,
    );
  }

  /**
   * Embeds pre-tokenised texts: sorts by length, pads per batch, runs, pools, and restores input order. A NaN
   * or ±Infinity in the result (a broken export, a float16 overflow) is a ModelError naming the model and the
   * input; `describe(index)` adds to the input's name (e.g. its record id).
   */
  async embed(
    encodings: readonly Encoding[],
    opts: EmbedOptions,
    hooks: { describe?: (index: number) => string; afterBatch?: (done: number) => void } = {},
  ): Promise<Float32Array> {
    const out = new Float32Array(encodings.length * this.dimensions);
    const pool = POOLERS[opts.pooling];
    let done = 0;
    for (const batch of planBatches(
      encodings.map((encoding) => encoding.ids.length),
      opts.batchSize,
    )) {
      opts.signal?.throwIfAborted();
      const rows = batch.map((index) => encodings[index]!);
      const { feeds, mask, seq } = this.feeds(rows);
      const result = await this.session.run(feeds);
      // float16 outputs (an `--fp16` export) are converted exactly; pooling and normalising run in float32
      const hidden = floatData(result[this.output]!, `${this.dir}: output ${this.output}`);
      const input = {
        hidden,
        mask,
        batch: rows.length,
        seq,
        dim: this.dimensions,
      };
      batch.forEach((index, row) => {
        pool(input, row, out, index * this.dimensions);
      });
      done += rows.length;
      hooks.afterBatch?.(done);
    }
    if (opts.normalize) l2NormalizeRows(out, this.dimensions);
    this.checkFinite(out, hooks.describe);
    return out;
  }

  private checkFinite(out: Float32Array, describe: ((index: number) => string) | undefined): void {
    for (let i = 0; i < out.length; i++) {
      const x = out[i]!;
      if (x - x === 0) continue;
      const input = Math.floor(i / this.dimensions);
      throw new ModelError(
        `${this.dir}: the embedding of input ${input}${describe?.(input) ?? ""}, column ${i % this.dimensions}, is ${x}; embeddings must be finite`,
        { code: "non-finite", file: this.dir },
      );
    }
  }

  /** Padded input tensors for one batch (pad id, zero mask and zero type ids past each text's end). */
  feeds(rows: readonly Encoding[]): { feeds: Record<string, Tensor>; mask: Int32Array; seq: number } {
    let seq = 1;
    for (const row of rows) seq = Math.max(seq, row.ids.length);
    const size = rows.length * seq;
    const ids = new Int32Array(size).fill(this.tokenizer.padId);
    const types = new Int32Array(size);
    const mask = new Int32Array(size);
    rows.forEach((row, r) => {
      const base = r * seq;
      ids.set(row.ids, base);
      types.set(row.typeIds, base);
      mask.fill(1, base, base + row.ids.length);
    });
    const shape = [rows.length, seq];
    const feeds: Record<string, Tensor> = {
      input_ids: this.tensor(ids, shape),
      attention_mask: this.tensor(mask, shape),
    };
    if (this.feedsTypeIds) feeds["token_type_ids"] = this.tensor(types, shape);
    return { feeds, mask, seq };
  }

  private tensor(values: Int32Array, shape: number[]): Tensor {
    if (this.idType === "int32") return new Tensor("int32", values, shape);
    const wide = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) wide[i] = BigInt(values[i]!);
    return new Tensor("int64", wide, shape);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function outputWidth(session: InferenceSession, name: string): number | undefined {
  const meta = session.outputMetadata.find((entry) => entry.name === name);
  if (!meta?.isTensor) return undefined;
  const last = meta.shape[meta.shape.length - 1];
  return typeof last === "number" && last > 0 ? last : undefined;
}

function inputType(session: InferenceSession, name: string, file: string): IdTensorType {
  const meta = session.inputMetadata.find((entry) => entry.name === name);
  const type = meta?.isTensor ? meta.type : "int64";
  if (type !== "int64" && type !== "int32") {
    throw new ModelError(`${file}: input ${name} has type ${type}; expected int64 or int32`, {
      code: "io-mismatch",
      file: file,
    });
  }
  return type;
}
