import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { ModelError } from "./errors.js";
import { buildNormalizer, hasPrecompiled } from "./normalizer.js";

/** The tokenizer.json model types @huggingface/tokenizers runs. */
const MODEL_TYPES = ["WordPiece", "Unigram", "BPE"];

/** Text → content ids (no special tokens) and back; the part of a tokenizer that differs between libraries. */
export interface TokenizerBackend {
  /** Content ids of `text`; with `limit`, at least its first `limit` ids (the text is read only that far). */
  contentIds(text: string, limit?: number): number[];
  decode(ids: number[], skipSpecialTokens: boolean): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
}

/**
 * Texts longer than this many UTF-16 code units are tokenized in pieces: the library keeps a whole text's
 * tokens in one call's arguments, and overflows the stack past about 100,000 tokens (a 50,000-word passage).
 */
export const PIECE_CHARS = 16_384;
const SPACE = 0x20;
const WHITE = /\s/;

/**
 * Tokenizer implementations compared in BENCHMARKS.md: `hf-js` is `@huggingface/tokenizers` as published;
 * `xqg` is the same pipeline with this package's exact `Precompiled` normaliser in place of the library's
 * approximation (which maps U+200C/U+200D to spaces and skips the charsmap).
 */
export const TOKENIZER_BACKENDS = {
  "hf-js": "@huggingface/tokenizers 0.2.0",
  xqg: "hf-js + exact Precompiled",
} as const;
export type TokenizerBackendName = keyof typeof TOKENIZER_BACKENDS;

export function createTokenizerBackend(
  spec: Record<string, unknown>,
  file: string,
  name: TokenizerBackendName = "xqg",
  pieceChars = PIECE_CHARS,
): TokenizerBackend {
  const model = spec["model"] as { type?: unknown } | null;
  const type = model?.type;
  if (type !== undefined && !MODEL_TYPES.includes(type as string)) {
    // the library would guess a model from the fields it finds, and tokenize with the wrong one
    throw new ModelError(
      `${file}: model type ${JSON.stringify(type)} is not supported (expected one of ${MODEL_TYPES.join(", ")})`,
      { code: "unsupported-tokenizer", file },
    );
  }
  let tokenizer: HfTokenizer;
  try {
    tokenizer = new HfTokenizer(spec, {});
  } catch (error) {
    throw new ModelError(`${file}: cannot build this tokenizer: ${(error as Error).message}`, {
      code: "unsupported-tokenizer",
      file,
      cause: error,
    });
  }
  if (name === "xqg" && hasPrecompiled(spec["normalizer"])) {
    // The library calls its normaliser as a function; swap in the exact one.
    (tokenizer as unknown as { normalizer: (text: string) => string }).normalizer = buildNormalizer(
      spec["normalizer"],
      file,
    );
  }
  // The highest id + 1 (ids run 0 … vocabSize − 1): the count of tokens where the ids have no gaps.
  let vocabSize = 0;
  for (const id of tokenizer.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);
  return {
    contentIds: (text, limit) =>
      piecewiseIds(
        text,
        limit,
        (piece) => tokenizer.encode(piece, { add_special_tokens: false }).ids,
        pieceChars,
      ),
    decode: (ids, skipSpecialTokens) => tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens }),
    tokenToId: (token) => tokenizer.token_to_id(token),
    idToToken: (id) => tokenizer.id_to_token(id),
    vocabSize,
  };
}

/**
 * The ids of `text`, read in pieces cut just before a run of spaces (which every whitespace-splitting
 * pre-tokenizer — Metaspace, BERT, ByteLevel, Whitespace — treats as a boundary, so the ids are those of the
 * whole text), and only as far as `limit` ids need. A stretch of more than PIECE_CHARS without a space
 * (never seen in prose) is cut at that length, between code points: the ids near that cut may differ from a
 * single call's.
 */
export function piecewiseIds(
  text: string,
  limit: number | undefined,
  idsOf: (piece: string) => number[],
  pieceChars = PIECE_CHARS,
): number[] {
  if (text.length <= pieceChars) return idsOf(text);
  const ids: number[] = [];
  // With a limit, a first piece of about 8 characters per token wanted, doubling while more are needed.
  const wanted = limit === undefined ? pieceChars : Math.max(Math.floor(pieceChars / 16), 8 * limit);
  let window = Math.min(pieceChars, wanted);
  let start = 0;
  while (start < text.length && (limit === undefined || ids.length < limit)) {
    const end = pieceEnd(text, start, window, pieceChars);
    for (const id of idsOf(text.slice(start, end))) ids.push(id);
    start = end;
    window = Math.min(pieceChars, window * 2);
  }
  return ids;
}

function pieceEnd(text: string, start: number, window: number, pieceChars: number): number {
  if (text.length - start <= window) return text.length;
  for (let i = start + window; i > start; i--) {
    if (text.charCodeAt(i) === SPACE && !WHITE.test(text[i - 1]!)) return i;
  }
  if (window < pieceChars) return pieceEnd(text, start, pieceChars, pieceChars);
  const end = start + pieceChars;
  const code = text.charCodeAt(end);
  return code >= 0xdc00 && code <= 0xdfff ? end - 1 : end;
}
