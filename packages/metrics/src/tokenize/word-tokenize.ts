import { PunktSentenceTokenizer } from "./punkt.js";
import { loadPunktParameters, type PunktLoadOptions, type PunktParameters } from "./punkt-params.js";
import { treebankWordTokenize } from "./treebank.js";

/** A `word_tokenize` bound to one set of Punkt parameters. */
export interface WordTokenizer {
  /** NLTK 3.8 `word_tokenize(text)` (English): Punkt sentences, then the improved Treebank tokenizer. */
  (text: string): string[];
  /** NLTK `sent_tokenize(text)`. */
  sentences(text: string): string[];
}

/**
 * Creates NLTK's English `word_tokenize` from Punkt parameters, or from their location
 * (explicit path, else `$NLTK_DATA`, else NLTK's standard nltk_data folders).
 */
export function createWordTokenizer(source: PunktParameters | PunktLoadOptions = {}): WordTokenizer {
  const params = "abbrevTypes" in source ? source : loadPunktParameters(source);
  const punkt = new PunktSentenceTokenizer(params);
  const tokenize = (text: string): string[] => {
    const out: string[] = [];
    for (const sentence of punkt.tokenize(text)) {
      for (const token of treebankWordTokenize(sentence)) out.push(token);
    }
    return out;
  };
  return Object.assign(tokenize, { sentences: (text: string) => punkt.tokenize(text) });
}

let defaultTokenizer: WordTokenizer | undefined;

/**
 * NLTK 3.8's `word_tokenize(text)` with the English Punkt parameters found on the nltk_data path
 * (loaded on first use; throws a one-line error naming the download command when they are absent).
 */
export function wordTokenize(text: string): string[] {
  defaultTokenizer ??= createWordTokenizer();
  return defaultTokenizer(text);
}
