import { wordTokenize } from "../tokenize/word-tokenize.js";

/** A passage's tokens joined with single spaces, and where each token ends in that string. */
export interface TokenizedPassage {
  readonly joined: string;
  /** ends[i]: offset just past token i in `joined`. */
  readonly ends: Uint32Array;
}

export function tokenizePassage(text: string, tokenize: (text: string) => string[]): TokenizedPassage {
  const tokens = tokenize(text);
  const ends = new Uint32Array(tokens.length);
  let offset = 0;
  for (let i = 0; i < tokens.length; i++) {
    offset += (i > 0 ? 1 : 0) + tokens[i]!.length;
    ends[i] = offset;
  }
  return { joined: tokens.join(" "), ends };
}

/** Tokenizes each passage once: the same passages recur across the rankings of many queries. */
export class TokenCache {
  readonly #tokenize: (text: string) => string[];
  readonly #entries = new Map<string, TokenizedPassage>();

  constructor(tokenize: (text: string) => string[] = wordTokenize) {
    this.#tokenize = tokenize;
  }

  /** The tokenized passage for `key` (a docid, or the text itself), tokenizing `text()` on first use. */
  get(key: string, text: () => string): TokenizedPassage {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = tokenizePassage(text(), this.#tokenize);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }
}
