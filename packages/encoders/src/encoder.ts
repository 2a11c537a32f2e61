import { checkOptions, checkRecord, type LongCallOptions } from "@xqg/core";
import { clampMaxLength, type Encoding, ModelError } from "@xqg/models";
import { ENCODER_DEFAULTS, type Role } from "./defaults.js";
import { POOLERS, type Pooling } from "./pooling.js";
import { EncoderSide, type LoadOptions } from "./side.js";

export interface EncoderOptions extends LoadOptions {
  /** Receives warnings such as a max length clamped to the model's positions; default process.emitWarning. */
  warn?: (message: string) => void;
}

const ENCODER_KEYS = ["session", "quantized", "variant", "output", "hub", "warn"] as const;

export interface EncodeOptions extends LongCallOptions {
  role: Role;
  /** Tokens per text, special tokens included; default 32 for queries, 128 for passages. */
  maxLength?: number;
  pooling?: Pooling;
  normalize?: boolean;
  /** Texts per ONNX Runtime call (after sorting by length); default 32. */
  batchSize?: number;
}

const ENCODE_KEYS = [
  "role",
  "maxLength",
  "pooling",
  "normalize",
  "batchSize",
  "onProgress",
  "signal",
] as const;

export interface PassageLike {
  title?: string;
  text: string;
}

export interface StreamRecord {
  id: string;
  text: string;
  /** When present the record is a passage and its text is title + " " + text. */
  title?: string;
}

/** `encodeStream`'s options: those of `encode`; progress counts the records encoded so far (total unknown). */
export type StreamOptions = EncodeOptions;

export interface EmbeddingBlock {
  ids: string[];
  /** [ids.length, dimensions] row-major */
  vectors: Float32Array;
}

/**
 * Records per block `encodeStream` yields: they are sorted by length together, so the ONNX Runtime batches cut
 * from a block are padded little.
 */
export const STREAM_BLOCK_ROWS = 1024;

/** A dense text encoder: one model for both roles (tied) or one per role (untied, DPR-style). */
export interface Encoder {
  /** Width of the embeddings. */
  readonly dimensions: number;
  readonly tied: boolean;
  encode(texts: readonly string[], opts: EncodeOptions): Promise<Float32Array>;
  /** The token ids `encode` would feed (special tokens added, truncated to the role's max length). */
  tokenize(texts: readonly string[], opts: Pick<EncodeOptions, "role" | "maxLength">): Encoding[];
  encodePassages(passages: readonly PassageLike[], opts?: Omit<EncodeOptions, "role">): Promise<Float32Array>;
  encodeStream(
    records: AsyncIterable<StreamRecord> | Iterable<StreamRecord>,
    opts: StreamOptions,
  ): AsyncIterable<EmbeddingBlock>;
  close(): Promise<void>;
}

/**
 * Loads a dense encoder from an exported model directory, or from `{ query, passage }` directories for an
 * untied dual encoder. Each may be a Hugging Face id (`org/name`) instead: an existing directory of that name
 * wins, then the snapshot in the hub cache, then a download of its ONNX export (see @xqg/models' ensureModel).
 */
export async function createEncoder(
  dirOrPair: string | { query: string; passage: string },
  opts: EncoderOptions = {},
): Promise<Encoder> {
  checkOptions(opts, ENCODER_KEYS, "createEncoder");
  if (typeof dirOrPair === "string") {
    const side = await EncoderSide.load(dirOrPair, opts);
    return new DenseEncoder({ query: side, passage: side }, opts.warn);
  }
  const [query, passage] = await Promise.all([
    EncoderSide.load(dirOrPair.query, opts),
    EncoderSide.load(dirOrPair.passage, opts),
  ]);
  if (query.dimensions !== passage.dimensions) {
    await Promise.all([query.close(), passage.close()]);
    throw new ModelError(
      `query encoder ${query.dir} has width ${query.dimensions} but passage encoder ${passage.dir} has ${passage.dimensions}`,
      { code: "io-mismatch" },
    );
  }
  return new DenseEncoder({ query, passage }, opts.warn);
}

/** Passage text as the paper's encoder saw it: title + " " + text (just text when there is no title). */
export function passageText(passage: PassageLike): string {
  return passage.title ? passage.title + ENCODER_DEFAULTS.titleSeparator + passage.text : passage.text;
}

class DenseEncoder implements Encoder {
  readonly dimensions: number;
  readonly tied: boolean;
  private readonly clamped = new Map<string, number>();

  constructor(
    private readonly sides: Record<Role, EncoderSide>,
    private readonly warn: ((message: string) => void) | undefined,
  ) {
    this.dimensions = sides.query.dimensions;
    this.tied = sides.query === sides.passage;
  }

  async encode(texts: readonly string[], opts: EncodeOptions): Promise<Float32Array> {
    checkOptions(opts, ENCODE_KEYS, "encode");
    const total = texts.length;
    const onProgress = opts.onProgress;
    return this.encodeDescribed(texts, opts, {
      ...(onProgress
        ? { afterBatch: (done: number) => onProgress({ unit: "rows", task: "encode", done, total }) }
        : {}),
    });
  }

  /**
   * `encode`, with `describe(index)` adding to an input's name in errors (its record id in a stream), and
   * `afterBatch(rows done)` called after each ONNX Runtime call.
   */
  private async encodeDescribed(
    texts: readonly string[],
    opts: EncodeOptions,
    hooks: { describe?: (index: number) => string; afterBatch?: (done: number) => void },
  ): Promise<Float32Array> {
    opts.signal?.throwIfAborted();
    const side = this.sides[checkRole(opts.role)];
    const pooling = opts.pooling ?? ENCODER_DEFAULTS.pooling;
    if (!Object.hasOwn(POOLERS, pooling)) {
      throw new ModelError(
        `pooling must be one of ${Object.keys(POOLERS).join(", ")}, got ${JSON.stringify(pooling)}`,
        { code: "invalid-option", field: "pooling" },
      );
    }
    const batchSize = opts.batchSize ?? ENCODER_DEFAULTS.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ModelError(`batchSize must be a positive integer, got ${batchSize}`, {
        code: "invalid-option",
        field: "batchSize",
      });
    }
    return side.embed(
      this.tokenize(texts, opts),
      { pooling, normalize: opts.normalize ?? ENCODER_DEFAULTS.normalize, batchSize, signal: opts.signal },
      hooks,
    );
  }

  tokenize(texts: readonly string[], opts: Pick<EncodeOptions, "role" | "maxLength">): Encoding[] {
    checkOptions(opts, ENCODE_KEYS, "tokenize");
    const side = this.sides[checkRole(opts.role)];
    const maxLength = this.maxLengthFor(opts.role, opts.maxLength ?? ENCODER_DEFAULTS.maxLength[opts.role]);
    return texts.map((text, index) => {
      if (typeof text !== "string") {
        throw new ModelError(`texts[${index}] must be a string, got ${typeof text}`, {
          code: "invalid-option",
        });
      }
      return side.tokenizer.encode(text, { maxLength });
    });
  }

  async encodePassages(
    passages: readonly PassageLike[],
    opts: Omit<EncodeOptions, "role"> = {},
  ): Promise<Float32Array> {
    checkOptions(opts, ENCODE_KEYS, "encodePassages");
    if (passages.length > 0) checkRecord(passages[0], { text: "string" }, "encodePassages: passages");
    return this.encode(passages.map(passageText), { ...opts, role: "passage" });
  }

  async *encodeStream(
    records: AsyncIterable<StreamRecord> | Iterable<StreamRecord>,
    opts: StreamOptions,
  ): AsyncIterable<EmbeddingBlock> {
    checkOptions(opts, ENCODE_KEYS, "encodeStream");
    opts.signal?.throwIfAborted();
    const onProgress = opts.onProgress;
    let done = 0;
    let ids: string[] = [];
    let texts: string[] = [];
    const flush = async (): Promise<EmbeddingBlock> => {
      const blockIds = ids;
      const before = done;
      const describe = (index: number) =>
        ` (id ${JSON.stringify(blockIds[index])}, record ${before + index})`;
      const afterBatch = onProgress
        ? (rows: number) =>
            onProgress({ unit: "rows", task: "encode", done: before + rows, total: undefined })
        : undefined;
      const block = {
        ids,
        vectors: await this.encodeDescribed(texts, opts, { describe, ...(afterBatch ? { afterBatch } : {}) }),
      };
      done += ids.length;
      ids = [];
      texts = [];
      return block;
    };
    let first = true;
    for await (const record of records) {
      if (first) {
        checkRecord(record, { id: "string", text: "string" }, "encodeStream: records");
        first = false;
      }
      ids.push(record.id);
      texts.push(record.title === undefined ? record.text : passageText(record));
      if (ids.length === STREAM_BLOCK_ROWS) yield await flush();
    }
    if (ids.length > 0) yield await flush();
  }

  async close(): Promise<void> {
    await this.sides.query.close();
    if (!this.tied) await this.sides.passage.close();
  }

  private maxLengthFor(role: Role, requested: number): number {
    const key = `${role}:${requested}`;
    let length = this.clamped.get(key);
    if (length === undefined) {
      length = clampMaxLength(requested, this.sides[role].config, this.warn ? { warn: this.warn } : {});
      this.clamped.set(key, length);
    }
    return length;
  }
}

function checkRole(role: unknown): Role {
  if (role === "query" || role === "passage") return role;
  throw new ModelError(`role must be "query" or "passage", got ${JSON.stringify(role)}`, {
    code: "invalid-option",
    field: "role",
  });
}
