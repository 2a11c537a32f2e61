import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { buildNormalizer, hasPrecompiled } from "./normalizer.js";

/** Text → content ids (no special tokens) and back; the part of a tokenizer that differs between libraries. */
export interface TokenizerBackend {
  contentIds(text: string): number[];
  decode(ids: number[], skipSpecialTokens: boolean): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
}

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
): TokenizerBackend {
  const tokenizer = new HfTokenizer(spec, {});
  if (name === "xqg" && hasPrecompiled(spec["normalizer"])) {
    // The library calls its normaliser as a function; swap in the exact one.
    (tokenizer as unknown as { normalizer: (text: string) => string }).normalizer = buildNormalizer(
      spec["normalizer"],
      file,
    );
  }
  const vocabSize = tokenizer.get_vocab(true).size;
  return {
    contentIds: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    decode: (ids, skipSpecialTokens) => tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens }),
    tokenToId: (token) => tokenizer.token_to_id(token),
    idToToken: (id) => tokenizer.id_to_token(id),
    vocabSize,
  };
}
