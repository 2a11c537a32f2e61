import type { PunktLoadOptions } from "./punkt-params.js";
import { treebankWordTokenize } from "./treebank.js";
import { createWordTokenizer } from "./word-tokenize.js";

/** How R@kt tokenises the ranked passages, by name. */
export const RKT_TOKENIZERS = {
  nltk: "NLTK word_tokenize: Punkt sentences, then the improved Treebank tokenizer (the official scoring; needs punkt_tab)",
  treebank:
    "the Treebank step alone, without Punkt sentence splitting (needs no data; not comparable with published numbers)",
} as const;
export type RktTokenizer = keyof typeof RKT_TOKENIZERS;

/** What an XOR-TyDi evaluation scores unless told otherwise: the paper's R@2kt and R@5kt, NLTK-tokenised. */
export const XOR_EVALUATION_DEFAULTS = {
  measures: ["R@2kt", "R@5kt"],
  tokenizer: "nltk",
} as const satisfies { measures: readonly string[]; tokenizer: RktTokenizer };

/** The tokenizer function of that name (`nltk` loads Punkt from `punkt`, else $NLTK_DATA and NLTK's folders). */
export function rktTokenizer(name: RktTokenizer, punkt: PunktLoadOptions = {}): (text: string) => string[] {
  const make = {
    nltk: () => createWordTokenizer(punkt),
    treebank: () => treebankWordTokenize,
  } satisfies Record<RktTokenizer, () => (text: string) => string[]>;
  return make[name]();
}
