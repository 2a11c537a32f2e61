import type { PunktLoadOptions } from "./punkt-params.js";
import { treebankWordTokenize } from "./treebank.js";
import { createWordTokenizer } from "./word-tokenize.js";

/** How R@kt tokenises the ranked passages, by name. */
export const RKT_TOKENIZERS = {
  nltk: "NLTK 3.8's word_tokenize: Punkt sentences, then the improved Treebank tokenizer (the official scoring)",
  "nltk-3.9":
    "NLTK 3.9's word_tokenize (white space runs made one space before contractions are split; R@kt can differ slightly)",
  treebank:
    "the Treebank step alone, without Punkt sentence splitting (needs no data; not comparable with published numbers)",
} as const;
export type RktTokenizer = keyof typeof RKT_TOKENIZERS;

/** What an XOR-TyDi evaluation scores unless told otherwise: the paper's R@2kt and R@5kt, NLTK-tokenised. */
export const XOR_EVALUATION_DEFAULTS = {
  measures: ["R@2kt", "R@5kt"],
  tokenizer: "nltk",
} as const satisfies { measures: readonly string[]; tokenizer: RktTokenizer };

/** The tokenizer function of that name (`nltk*` load Punkt from `punkt`, else $NLTK_DATA, else the shipped tables). */
export function rktTokenizer(name: RktTokenizer, punkt: PunktLoadOptions = {}): (text: string) => string[] {
  const make = {
    nltk: () => createWordTokenizer(punkt),
    "nltk-3.9": () => createWordTokenizer(punkt, "3.9"),
    treebank: () => treebankWordTokenize,
  } satisfies Record<RktTokenizer, () => (text: string) => string[]>;
  return make[name]();
}
