import { PY_END, PY_S, PY_W_CHARS, pySplit } from "./python-text.js";

// NLTK 3.8's NLTKWordTokenizer (the improved Treebank tokenizer behind `word_tokenize`): the same regex
// substitutions in the same order, with Python's Unicode \w, \s, \d, \b and `$` spelled out for JS.

type Rule = readonly [RegExp, string];

const W = `[${PY_W_CHARS}]`;
const NOT_W_BEFORE = `(?<!${W})`;
const NOT_W_AFTER = `(?!${W})`;
const re = (source: string, flags = "gu") => new RegExp(source, flags);

const STARTING_QUOTES: Rule[] = [
  [re("([«“‘„]|`+)"), " $1 "],
  [re('^"'), "``"],
  [re("(``)"), " $1 "],
  [re("([ (\\[{<])(\"|'{2})"), "$1 `` "],
  [re(`(')(?!re|ve|ll|m|t|s|d|n)(${W})${NOT_W_AFTER}`, "giu"), "$1 $2"],
];

const PUNCTUATION: Rule[] = [
  [re(`([^.])(\\.)([\\])}>"'»”’ ]*)${PY_S}*${PY_END}`), "$1 $2 $3 "],
  [re("([:,])([^\\p{Nd}])"), " $1 $2"],
  [re(`([:,])${PY_END}`), " $1 "],
  [re("\\.{2,}"), " $& "],
  [re("[;@#$%&]"), " $& "],
  [re(`([^.])(\\.)([\\])}>"']*)${PY_S}*${PY_END}`), "$1 $2$3 "],
  [re("[?!]"), " $& "],
  [re("([^'])' "), "$1 ' "],
  [re("[*]"), " $& "],
];

const PARENS_BRACKETS: Rule = [re("[\\][(){}<>]"), " $& "];
const DOUBLE_DASHES: Rule = [re("--"), " -- "];

const ENDING_QUOTES: Rule[] = [
  [re("([»”’])"), " $1 "],
  [re("''"), " '' "],
  [re('"'), " '' "],
  [re("([^' ])('[sS]|'[mM]|'[dD]|') "), "$1 $2 "],
  [re("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "), "$1 $2 "],
];

const CONTRACTIONS: Rule[] = [
  ...[
    ["can", "not"],
    ["d", "'ye"],
    ["gim", "me"],
    ["gon", "na"],
    ["got", "ta"],
    ["lem", "me"],
    ["more", "'n"],
  ].map(([a, b]): Rule => [re(`${NOT_W_BEFORE}(${a})(${b})${NOT_W_AFTER}`, "giu"), " $1 $2 "]),
  [re(`${NOT_W_BEFORE}(wan)(na)(?=${PY_S})`, "giu"), " $1 $2 "],
  [re(` ('t)(is)${NOT_W_AFTER}`, "giu"), " $1 $2 "],
  [re(` ('t)(was)${NOT_W_AFTER}`, "giu"), " $1 $2 "],
];

function apply(text: string, rules: readonly Rule[]): string {
  let out = text;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  return out;
}

/** NLTK's `NLTKWordTokenizer().tokenize(sentence)` (without `convert_parentheses`). */
export function treebankWordTokenize(sentence: string): string[] {
  let text = apply(sentence, STARTING_QUOTES);
  text = apply(text, PUNCTUATION);
  text = apply(text, [PARENS_BRACKETS, DOUBLE_DASHES]);
  text = apply(` ${text} `, ENDING_QUOTES);
  text = apply(text, CONTRACTIONS);
  return pySplit(text);
}
