import { clampMaxLength, type Encoding, ModelError } from "@xqg/models";
import { ENCODER_DEFAULTS, type Role } from "./defaults.js";
import { POOLERS, type Pooling } from "./pooling.js";
import { EncoderSide, type LoadOptions } from "./side.js";

export interface EncoderOptions extends LoadOptions {
  /** Receives warnings such as a max length clamped to the model's positions; default process.emitWarning. */
  warn?: (message: string) => void;
}

export interface EncodeOptions {
  role: Role;
  /** Tokens per text, special tokens included; default 32 for queries, 128 for passages. */
  maxLength?: number;
  pooling?: Pooling;
  normalize?: boolean;
  batchSize?: number;
}

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

export interface StreamProgress {
  records: number;
  blocks: number;
  seconds: number;
}

export interface StreamOptions extends EncodeOptions {
  /** Records per yielded block; default 1024. */
  blockSize?: number;
  onProgress?: (progress: StreamProgress) => void;
}

export interface EmbeddingBlock {
  ids: string[];
  /** [ids.length, dim] row-major */
  vectors: Float32Array;
}

/** A dense text encoder: one model for both roles (tied) or one per role (untied, DPR-style). */
export interface Encoder {
  readonly dim: number;
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
  if (typeof dirOrPair === "string") {
    const side = await EncoderSide.load(dirOrPair, opts);
    return new DenseEncoder({ query: side, passage: side }, opts.warn);
  }
  const [query, passage] = await Promise.all([
    EncoderSide.load(dirOrPair.query, opts),
    EncoderSide.load(dirOrPair.passage, opts),
  ]);
  if (query.dim !== passage.dim) {
    await Promise.all([query.close(), passage.close()]);
    throw new ModelError(
      `query encoder ${query.dir} has width ${query.dim} but passage encoder ${passage.dir} has ${passage.dim}`,
      "io-mismatch",
    );
  }
  return new DenseEncoder({ query, passage }, opts.warn);
}

/** Passage text as the paper's encoder saw it: title + " " + text (just text when there is no title). */
export function passageText(passage: PassageLike): string {
  return passage.title ? passage.title + ENCODER_DEFAULTS.titleSeparator + passage.text : passage.text;
}

class DenseEncoder implements Encoder {
  readonly dim: number;
  readonly tied: boolean;
  private readonly clamped = new Map<string, number>();

  constructor(
    private readonly sides: Record<Role, EncoderSide>,
    private readonly warn: ((message: string) => void) | undefined,
  ) {
    this.dim = sides.query.dim;
    this.tied = sides.query === sides.passage;
  }

  encode(texts: readonly string[], opts: EncodeOptions): Promise<Float32Array> {
    return this.encodeDescribed(texts, opts);
  }

  /** `encode`, with `describe(index)` adding to an input's name in errors (its record id in a stream). */
  private async encodeDescribed(
    texts: readonly string[],
    opts: EncodeOptions,
    describe?: (index: number) => string,
  ): Promise<Float32Array> {
    const side = this.sides[checkRole(opts.role)];
    const pooling = opts.pooling ?? ENCODER_DEFAULTS.pooling;
    if (!(pooling in POOLERS)) {
      throw new ModelError(
        `pooling must be one of ${Object.keys(POOLERS).join(", ")}, got ${JSON.stringify(pooling)}`,
        "bad-option",
      );
    }
    const batchSize = opts.batchSize ?? ENCODER_DEFAULTS.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ModelError(`batchSize must be a positive integer, got ${batchSize}`, "bad-option");
    }
    return side.embed(
      this.tokenize(texts, opts),
      { pooling, normalize: opts.normalize ?? ENCODER_DEFAULTS.normalize, batchSize },
      describe,
    );
  }

  tokenize(texts: readonly string[], opts: Pick<EncodeOptions, "role" | "maxLength">): Encoding[] {
    const side = this.sides[checkRole(opts.role)];
    const maxLength = this.maxLengthFor(opts.role, opts.maxLength ?? ENCODER_DEFAULTS.maxLength[opts.role]);
    return texts.map((text, index) => {
      if (typeof text !== "string") {
        throw new ModelError(`texts[${index}] must be a string, got ${typeof text}`, "bad-option");
      }
      return side.tokenizer.encode(text, { maxLength });
    });
  }

  encodePassages(
    passages: readonly PassageLike[],
    opts: Omit<EncodeOptions, "role"> = {},
  ): Promise<Float32Array> {
    return this.encode(passages.map(passageText), { ...opts, role: "passage" });
  }

  async *encodeStream(
    records: AsyncIterable<StreamRecord> | Iterable<StreamRecord>,
    opts: StreamOptions,
  ): AsyncIterable<EmbeddingBlock> {
    const blockSize = opts.blockSize ?? ENCODER_DEFAULTS.blockSize;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new ModelError(`blockSize must be a positive integer, got ${blockSize}`, "bad-option");
    }
    const started = performance.now();
    let done = 0;
    let blocks = 0;
    let ids: string[] = [];
    let texts: string[] = [];
    const flush = async (): Promise<EmbeddingBlock> => {
      const blockIds = ids;
      const describe = (index: number) => ` (id ${JSON.stringify(blockIds[index])}, record ${done + index})`;
      const block = { ids, vectors: await this.encodeDescribed(texts, opts, describe) };
      done += ids.length;
      blocks++;
      ids = [];
      texts = [];
      opts.onProgress?.({ records: done, blocks, seconds: (performance.now() - started) / 1000 });
      return block;
    };
    for await (const record of records) {
      ids.push(record.id);
      texts.push(record.title === undefined ? record.text : passageText(record));
      if (ids.length === blockSize) yield await flush();
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
  throw new ModelError(`role must be "query" or "passage", got ${JSON.stringify(role)}`, "bad-option");
}
