import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkOptions } from "@xqg/core";
import { ModelError } from "./errors.js";
import { readJsonFile } from "./json.js";
import { parseTemplate, type SpecialTemplate } from "./template.js";
import {
  createTokenizerBackend,
  TOKENIZER_BACKENDS,
  type TokenizerBackend,
  type TokenizerBackendName,
} from "./tokenizer-backend.js";

export interface TokenizerEncodeOptions {
  /** Add the template's special tokens ([CLS] … [SEP], … </s>); default true. */
  addSpecialTokens?: boolean;
  /** Truncate so the result, special tokens included, has at most this many tokens. */
  maxLength?: number;
}

export interface Encoding {
  ids: number[];
  typeIds: number[];
  attentionMask: number[];
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

/** A Hugging Face `tokenizer.json` tokenizer. */
export interface Tokenizer {
  encode(text: string, opts?: TokenizerEncodeOptions): Encoding;
  encodeBatch(texts: string[], opts?: TokenizerEncodeOptions): Encoding[];
  decode(ids: number[], opts?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly padId: number;
  readonly eosId: number | undefined;
  /** The highest token id + 1 (the number of tokens, where the ids have no gaps). */
  readonly vocabSize: number;
  /** Number of special tokens the template adds to one sequence. */
  readonly specialTokenCount: number;
}

export interface LoadTokenizerOptions {
  /**
   * `xqg` (default): `@huggingface/tokenizers` with this package's exact SentencePiece `Precompiled` normaliser;
   * `hf-js`: that library as published (kept for comparison; see BENCHMARKS.md for parity rates).
   */
  implementation?: TokenizerBackendName;
}

/** Loads `tokenizer.json` from a model directory, or a tokenizer.json path. */
export async function loadTokenizer(dirOrFile: string, opts: LoadTokenizerOptions = {}): Promise<Tokenizer> {
  checkOptions(opts, ["implementation"], "loadTokenizer");
  const isDir = existsSync(dirOrFile) && statSync(dirOrFile).isDirectory();
  const file = isDir ? join(dirOrFile, "tokenizer.json") : dirOrFile;
  const json = await readJsonFile(file);
  if (json === null || typeof json !== "object" || !("model" in json)) {
    throw new ModelError(`${file}: not a tokenizer.json (no "model" field)`, {
      code: "bad-json",
      file: file,
    });
  }
  const spec = json as Record<string, unknown>;
  const implementation = opts.implementation ?? "xqg";
  if (!(implementation in TOKENIZER_BACKENDS)) {
    throw new ModelError(
      `implementation must be one of ${Object.keys(TOKENIZER_BACKENDS).join(", ")}, ` +
        `got ${JSON.stringify(implementation)}`,
      { code: "invalid-option" },
    );
  }
  const backend = createTokenizerBackend(spec, file, implementation);
  return new TemplateTokenizer(backend, parseTemplate(spec["post_processor"], file), spec, file);
}

const ENCODE_KEYS = ["addSpecialTokens", "maxLength"] as const;
const PAD_TOKENS = ["[PAD]", "<pad>", "<PAD>"];
const EOS_TOKENS = ["</s>", "<eos>", "<|endoftext|>"];

class TemplateTokenizer implements Tokenizer {
  readonly padId: number;
  readonly eosId: number | undefined;
  readonly vocabSize: number;
  readonly specialTokenCount: number;

  constructor(
    private readonly backend: TokenizerBackend,
    private readonly template: SpecialTemplate,
    spec: Record<string, unknown>,
    private readonly file: string,
  ) {
    const padding = spec["padding"] as { pad_id?: number } | null | undefined;
    this.padId = padding?.pad_id ?? firstKnown(backend, PAD_TOKENS) ?? 0;
    this.eosId = firstKnown(backend, EOS_TOKENS);
    this.vocabSize = backend.vocabSize;
    this.specialTokenCount = template.prefix.length + template.suffix.length;
  }

  encode(text: string, opts: TokenizerEncodeOptions = {}): Encoding {
    checkOptions(opts, ENCODE_KEYS, "tokenizer.encode");
    if (typeof text !== "string") {
      throw new ModelError(`${this.file}: encode expects a string, got ${typeof text}`, {
        code: "invalid-option",
        file: this.file,
      });
    }
    const addSpecial = opts.addSpecialTokens ?? true;
    const extra = addSpecial ? this.specialTokenCount : 0;
    if (opts.maxLength !== undefined && (!Number.isInteger(opts.maxLength) || opts.maxLength < extra + 1)) {
      throw new ModelError(
        `maxLength must be an integer of at least ${extra + 1} (the template adds ${extra} special tokens), ` +
          `got ${opts.maxLength}`,
        { code: "invalid-option" },
      );
    }
    const room = opts.maxLength === undefined ? undefined : opts.maxLength - extra;
    let content = this.backend.contentIds(text, room);
    if (room !== undefined && content.length > room) content = content.slice(0, room);
    const { prefix, suffix, prefixTypes, suffixTypes, contentType } = this.template;
    const ids = addSpecial ? [...prefix, ...content, ...suffix] : content;
    const typeIds = addSpecial
      ? [...prefixTypes, ...new Array<number>(content.length).fill(contentType), ...suffixTypes]
      : new Array<number>(content.length).fill(contentType);
    return { ids, typeIds, attentionMask: new Array<number>(ids.length).fill(1) };
  }

  encodeBatch(texts: string[], opts: TokenizerEncodeOptions = {}): Encoding[] {
    checkOptions(opts, ENCODE_KEYS, "tokenizer.encodeBatch");
    return texts.map((text) => this.encode(text, opts));
  }

  decode(ids: number[], opts: DecodeOptions = {}): string {
    checkOptions(opts, ["skipSpecialTokens"], "tokenizer.decode");
    return this.backend.decode(ids, opts.skipSpecialTokens ?? true);
  }

  tokenToId(token: string): number | undefined {
    return this.backend.tokenToId(token);
  }

  idToToken(id: number): string | undefined {
    return this.backend.idToToken(id);
  }
}

function firstKnown(backend: TokenizerBackend, tokens: string[]): number | undefined {
  for (const token of tokens) {
    const id = backend.tokenToId(token);
    if (id !== undefined) return id;
  }
  return undefined;
}
