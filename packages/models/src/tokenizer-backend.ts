import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";

/** Text → content ids (no special tokens) and back; the part of a tokenizer that differs between libraries. */
export interface TokenizerBackend {
  contentIds(text: string): number[];
  decode(ids: number[], skipSpecialTokens: boolean): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
}

export function createTokenizerBackend(spec: Record<string, unknown>, _file: string): TokenizerBackend {
  const tokenizer = new HfTokenizer(spec, {});
  const vocabSize = tokenizer.get_vocab(true).size;
  return {
    contentIds: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    decode: (ids, skipSpecialTokens) => tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens }),
    tokenToId: (token) => tokenizer.token_to_id(token),
    idToToken: (id) => tokenizer.id_to_token(id),
    vocabSize,
  };
}
