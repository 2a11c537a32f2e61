import { PY_END, PY_S, PY_W_CHARS, pySplit } from "./python-text.js";

// NLTK 3.8's NLTKWordTokenizer (the improved Treebank tokenizer behind `word_tokenize`): the same regex
// substitutions in the same order, with Python's Unicode \w, \s, \d, \b and `$` spelled out for JS.
// NLTK 3.9 added one substitution to the ending quotes: white space runs become one space before the
// contraction rules (which need a space after `'s`, `n't`, ...), so `Peter's\n` splits as `Peter 's` there.

/**
 * A substitution; a cheap test that is false only when the pattern cannot match (to skip the pass); and, for
 * patterns anchored at the end, the earliest offset a match can start at (to scan only the tail).
 */
type Rule = readonly [RegExp, string, ((text: string) => boolean)?, ((text: string) => number)?];

// A final-period match ends in closing punctuation and white space only, so its period is the last one.
const beforeLastPeriod = (text: string) => Math.max(0, text.lastIndexOf(".") - 1);
const lastTwo = (text: string) => Math.max(0, text.length - 2);

const has =
  (...needles: string[]) =>
  (text: string) =>
    needles.some((n) => text.includes(n));

const W = `[${PY_W_CHARS}]`;
const NOT_W_BEFORE = `(?<!${W})`;
const NOT_W_AFTER = `(?!${W})`;
const re = (source: string, flags = "gu") => new RegExp(source, flags);

const STARTING_QUOTES: Rule[] = [
  [re("([«“‘„]|`+)"), " $1 ", has("«", "“", "‘", "„", "`")],
  [re('^"'), "``", (t) => t.startsWith('"')],
  [re("(``)"), " $1 ", has("``")],
  [re("([ (\\[{<])(\"|'{2})"), "$1 `` ", has('"', "''")],
  [re(`(')(?!re|ve|ll|m|t|s|d|n)(${W})${NOT_W_AFTER}`, "giu"), "$1 $2", has("'")],
];

const PUNCTUATION: Rule[] = [
  [re(`([^.])(\\.)([\\])}>"'»”’ ]*)${PY_S}*${PY_END}`), "$1 $2 $3 ", has("."), beforeLastPeriod],
  [re("([:,])([^\\p{Nd}])"), " $1 $2", has(":", ",")],
  [re(`([:,])${PY_END}`), " $1 ", has(":", ","), lastTwo],
  [re("\\.{2,}"), " $& ", has("..")],
  [re("[;@#$%&]"), " $& ", has(";", "@", "#", "$", "%", "&")],
  [re(`([^.])(\\.)([\\])}>"']*)${PY_S}*${PY_END}`), "$1 $2$3 ", has("."), beforeLastPeriod],
  [re("[?!]"), " $& ", has("?", "!")],
  [re("([^'])' "), "$1 ' ", has("' ")],
  [re("[*]"), " $& ", has("*")],
];

const PARENS_BRACKETS: Rule = [re("[\\][(){}<>]"), " $& ", has("[", "]", "(", ")", "{", "}", "<", ">")];
const DOUBLE_DASHES: Rule = [re("--"), " -- ", has("--")];

const ENDING_QUOTES: Rule[] = [
  [re("([»”’])"), " $1 ", has("»", "”", "’")],
  [re("''"), " '' ", has("''")],
  [re('"'), " '' ", has('"')],
  [re("([^' ])('[sS]|'[mM]|'[dD]|') "), "$1 $2 ", has("'")],
  [re("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "), "$1 $2 ", has("'")],
];

/** NLTK 3.9's ending quotes: the same, with runs of (Python) white space made one space before the contractions. */
const ENDING_QUOTES_3_9: Rule[] = [
  ...ENDING_QUOTES.slice(0, 3),
  [re(`${PY_S}+`), " "],
  ...ENDING_QUOTES.slice(3),
];

/** The NLTK releases whose word tokenizer this module reproduces. */
export type NltkVersion = "3.8" | "3.9";

// Case-insensitive (Unicode folding adds nothing for these letters), used to skip all contraction passes at once.
const MAY_CONTRACT = /can|d'ye|gim|gon|got|lem|more'n|wan|'t/i;

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
  for (const [pattern, replacement, mayMatch, tailStart] of rules) {
    if (mayMatch && !mayMatch(out)) continue;
    const from = tailStart ? tailStart(out) : 0;
    out =
      from === 0
        ? out.replace(pattern, replacement)
        : out.slice(0, from) + out.slice(from).replace(pattern, replacement);
  }
  return out;
}

/** NLTK's `NLTKWordTokenizer().tokenize(sentence)` (without `convert_parentheses`), as of NLTK 3.8 or 3.9. */
export function treebankWordTokenize(sentence: string, version: NltkVersion = "3.8"): string[] {
  let text = apply(sentence, STARTING_QUOTES);
  text = apply(text, PUNCTUATION);
  text = apply(text, [PARENS_BRACKETS, DOUBLE_DASHES]);
  text = apply(` ${text} `, version === "3.9" ? ENDING_QUOTES_3_9 : ENDING_QUOTES);
  if (MAY_CONTRACT.test(text)) text = apply(text, CONTRACTIONS);
  return pySplit(text);
}
