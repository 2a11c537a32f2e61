import { PunktSentenceTokenizer } from "./punkt.js";
import { loadPunktParameters, type PunktLoadOptions, type PunktParameters } from "./punkt-params.js";
import { type NltkVersion, treebankWordTokenize } from "./treebank.js";

/** A `word_tokenize` bound to one set of Punkt parameters. */
export interface WordTokenizer {
  /** NLTK 3.8 `word_tokenize(text)` (English): Punkt sentences, then the improved Treebank tokenizer. */
  (text: string): string[];
  /** NLTK `sent_tokenize(text)`. */
  sentences(text: string): string[];
}

/**
 * Creates NLTK's English `word_tokenize` (of NLTK 3.8, or 3.9) from Punkt parameters, or from their location
 * (explicit path, else `$NLTK_DATA`, else the tables this package ships). Punkt did not change from 3.8 to
 * 3.9; the Treebank step did (see treebank.ts).
 */
export function createWordTokenizer(
  source: PunktParameters | PunktLoadOptions = {},
  version: NltkVersion = "3.8",
): WordTokenizer {
  const params = "abbrevTypes" in source ? source : loadPunktParameters(source);
  const punkt = new PunktSentenceTokenizer(params);
  const tokenize = (text: string): string[] => {
    const out: string[] = [];
    for (const sentence of punkt.tokenize(text)) {
      for (const token of treebankWordTokenize(sentence, version)) out.push(token);
    }
    return out;
  };
  return Object.assign(tokenize, { sentences: (text: string) => punkt.tokenize(text) });
}

let defaultTokenizer: WordTokenizer | undefined;

/**
 * NLTK 3.8's `word_tokenize(text)` with the English Punkt parameters ($NLTK_DATA's where set, else the
 * shipped ones; loaded on first use).
 */
export function wordTokenize(text: string): string[] {
  defaultTokenizer ??= createWordTokenizer();
  return defaultTokenizer(text);
}
