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

export interface TokenCacheOptions {
  /**
   * Passages kept at most; the least recently used goes first. Default 250,000 (about 250 MB of passages of
   * ~100 words), enough for a 2,500-query × 100-passage evaluation to tokenize each passage once.
   */
  maxEntries?: number;
}

/** Tokenizes each passage once: the same passages recur across the rankings of many queries. */
export class TokenCache {
  readonly #tokenize: (text: string) => string[];
  readonly #maxEntries: number;
  // A Map iterates in insertion order; re-inserting on every hit keeps the least recently used first.
  readonly #entries = new Map<string, TokenizedPassage>();

  constructor(tokenize: (text: string) => string[] = wordTokenize, options: TokenCacheOptions = {}) {
    const max = options.maxEntries ?? 250_000;
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError(`maxEntries must be a positive integer, got ${max}`);
    this.#tokenize = tokenize;
    this.#maxEntries = max;
  }

  /** The tokenized passage for `key` (a docid, or the text itself), tokenizing `text()` on first use. */
  get(key: string, text: () => string): TokenizedPassage {
    let entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
    } else {
      entry = tokenizePassage(text(), this.#tokenize);
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, entry);
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }
}
