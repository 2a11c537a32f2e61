import type { PunktParameters } from "./punkt-params.js";
import { isPyBlank, PY_NS, PY_S, pyRstrip } from "./python-text.js";

// Punkt sentence boundary detection (Kiss & Strunk 2006) as NLTK 3.8's PunktSentenceTokenizer applies a
// trained model with the default PunktLanguageVars: same candidate contexts, same two annotation passes,
// same boundary realignment, so the sentences (and hence word tokens) are identical.

const ORTHO_BEG_UC = 1 << 1;
const ORTHO_MID_UC = 1 << 2;
const ORTHO_UNK_UC = 1 << 3;
const ORTHO_BEG_LC = 1 << 4;
const ORTHO_MID_LC = 1 << 5;
const ORTHO_UNK_LC = 1 << 6;
const ORTHO_UC = ORTHO_BEG_UC + ORTHO_MID_UC + ORTHO_UNK_UC;
const ORTHO_LC = ORTHO_BEG_LC + ORTHO_MID_LC + ORTHO_UNK_LC;

const MULTI_CHAR = `(?:-{2,}|\\.{2,}|(?:\\.${PY_S}){2,}\\.)`;
const WORD_START = '[^("`{\\[:;&#*@)}\\]\\-,]';
const NON_WORD = "(?:[)\";}\\]*:@'({\\[?!])";
const WORD_RE = new RegExp(
  `${MULTI_CHAR}|(?=${WORD_START})${PY_NS}+?(?=${PY_S}|$|${NON_WORD}|${MULTI_CHAR}|,(?=$|${PY_S}|${NON_WORD}|${MULTI_CHAR}))|${PY_NS}`,
  "gu",
);
/** A sentence-end character followed by punctuation or by white space and the next token (groups 1, 2). */
const PERIOD_CONTEXT_RE = new RegExp(`[.?!](?=(${NON_WORD}|${PY_S}+(${PY_NS}+)))`, "gu");
/** Closing punctuation after a break that belongs to the sentence before it (Python MULTILINE `$`). */
const REALIGN_RE = new RegExp(`^["')\\]}]+?(?:${PY_S}+|(?=--)|(?=\\n|$))`, "u");

const NUMERIC_RE = /^-?[.,]?\p{Nd}[\p{Nd},.-]*\.?$/u;
const ELLIPSIS_RE = /^\.\.+$/u;
const INITIAL_RE = /^[\p{L}\p{N}_](?<!\p{Nd})\.$/u;
const FIRST_UPPER_RE = /^\p{Uppercase}/u;
const FIRST_LOWER_RE = /^\p{Lowercase}/u;
const PUNCTUATION = new Set([";", ":", ",", ".", "!", "?"]);
const SENT_END_CHARS = new Set([".", "?", "!"]);
// Python's string.whitespace, used by NLTK to find the word before a candidate break.
const ASCII_WS = new Set([" ", "\t", "\n", "\r", "\v", "\f"]);

interface Token {
  readonly tok: string;
  readonly type: string;
  readonly periodFinal: boolean;
  sentbreak: boolean;
  abbr: boolean;
  ellipsis: boolean;
}

function makeToken(tok: string): Token {
  const lower = tok.toLowerCase();
  return {
    tok,
    type: NUMERIC_RE.test(lower) ? "##number##" : lower,
    periodFinal: tok.endsWith("."),
    sentbreak: false,
    abbr: false,
    ellipsis: false,
  };
}

function typeNoPeriod(t: Token): string {
  return t.type.length > 1 && t.type.endsWith(".") ? t.type.slice(0, -1) : t.type;
}

function typeNoSentperiod(t: Token): string {
  return t.sentbreak ? typeNoPeriod(t) : t.type;
}

interface Slice {
  start: number;
  stop: number;
}

interface EndMatch {
  /** Index of the sentence-end character. */
  index: number;
  afterTok: string;
  /** Start of the next token, or -1 when punctuation follows directly. */
  nextTokStart: number;
}

export class PunktSentenceTokenizer {
  readonly #params: PunktParameters;

  constructor(params: PunktParameters) {
    this.#params = params;
  }

  /** Splits text into sentences (NLTK `tokenize(text)`, realigning boundaries). */
  tokenize(text: string): string[] {
    return this.spans(text).map((s) => text.slice(s.start, s.stop));
  }

  /** Sentence spans as [start, stop) UTF-16 offsets. */
  spans(text: string): Slice[] {
    return this.#realign(text, this.#slices(text));
  }

  #words(text: string): Token[] {
    const out: Token[] = [];
    for (const line of text.split("\n")) {
      if (isPyBlank(line)) continue;
      WORD_RE.lastIndex = 0;
      for (let m = WORD_RE.exec(line); m !== null; m = WORD_RE.exec(line)) out.push(makeToken(m[0]));
    }
    return out;
  }

  #firstPass(t: Token): void {
    const tok = t.tok;
    if (SENT_END_CHARS.has(tok)) {
      t.sentbreak = true;
    } else if (ELLIPSIS_RE.test(tok)) {
      t.ellipsis = true;
    } else if (t.periodFinal && !tok.endsWith("..")) {
      const stem = tok.slice(0, -1).toLowerCase();
      const abbrevs = this.#params.abbrevTypes;
      if (abbrevs.has(stem) || abbrevs.has(stem.split("-").at(-1)!)) t.abbr = true;
      else t.sentbreak = true;
    }
  }

  #orthoHeuristic(t: Token): boolean | "unknown" {
    if (PUNCTUATION.has(t.tok)) return false;
    const ctx = this.#params.orthoContext.get(typeNoSentperiod(t)) ?? 0;
    const upper = FIRST_UPPER_RE.test(t.tok);
    if (upper && ctx & ORTHO_LC && !(ctx & ORTHO_MID_UC)) return true;
    if (FIRST_LOWER_RE.test(t.tok) && (ctx & ORTHO_UC || !(ctx & ORTHO_BEG_LC))) return false;
    return "unknown";
  }

  #secondPass(t1: Token, t2: Token): void {
    if (!t1.periodFinal) return;
    const typ = typeNoPeriod(t1);
    const nextTyp = typeNoSentperiod(t2);
    const isInitial = INITIAL_RE.test(t1.tok);
    if (this.#params.collocations.has(`${typ}\t${nextTyp}`)) {
      t1.sentbreak = false;
      t1.abbr = true;
      return;
    }
    if ((t1.abbr || t1.ellipsis) && !isInitial) {
      if (this.#orthoHeuristic(t2) === true) {
        t1.sentbreak = true;
        return;
      }
      if (FIRST_UPPER_RE.test(t2.tok) && this.#params.sentStarters.has(nextTyp)) {
        t1.sentbreak = true;
        return;
      }
    }
    if (isInitial || typ === "##number##") {
      const starter = this.#orthoHeuristic(t2);
      if (starter === false) {
        t1.sentbreak = false;
        t1.abbr = true;
        return;
      }
      if (
        starter === "unknown" &&
        isInitial &&
        FIRST_UPPER_RE.test(t2.tok) &&
        !((this.#params.orthoContext.get(nextTyp) ?? 0) & ORTHO_LC)
      ) {
        t1.sentbreak = false;
        t1.abbr = true;
      }
    }
  }

  /** True when a token other than the last is a sentence break after both annotation passes. */
  #containsSentbreak(context: string): boolean {
    const tokens = this.#words(context);
    for (const t of tokens) this.#firstPass(t);
    for (let i = 0; i + 1 < tokens.length; i++) {
      this.#secondPass(tokens[i]!, tokens[i + 1]!);
      if (tokens[i]!.sentbreak) return true;
    }
    return false;
  }

  /** Candidate breaks with their context (the word before, the end char, what follows); NLTK drops overlaps. */
  #endContexts(text: string): Array<{ match: EndMatch; context: string }> {
    const out: Array<{ match: EndMatch; context: string }> = [];
    let prevSlice: Slice = { start: 0, stop: 0 };
    let prev: EndMatch | undefined;
    const context = (m: EndMatch, s: Slice) => text.slice(s.start, s.stop) + text[m.index] + m.afterTok;
    PERIOD_CONTEXT_RE.lastIndex = 0;
    for (let m = PERIOD_CONTEXT_RE.exec(text); m !== null; m = PERIOD_CONTEXT_RE.exec(text)) {
      const afterTok = m[1]!;
      const nextTok = m[2];
      const match: EndMatch = {
        index: m.index,
        afterTok,
        nextTokStart: nextTok ? m.index + 1 + afterTok.length - nextTok.length : -1,
      };
      let lastWs = 0;
      for (let i = m.index - 1; i >= prevSlice.stop; i--) {
        if (ASCII_WS.has(text[i]!)) {
          lastWs = i - prevSlice.stop;
          break;
        }
      }
      // NLTK treats "whitespace at offset 0" like "no whitespace"; kept for identical output.
      const wordStart = lastWs ? lastWs + prevSlice.stop + 1 : prevSlice.start;
      const wordSlice = { start: wordStart, stop: m.index };
      if (prev && prevSlice.stop <= wordSlice.start)
        out.push({ match: prev, context: context(prev, prevSlice) });
      prev = match;
      prevSlice = wordSlice;
    }
    if (prev) out.push({ match: prev, context: context(prev, prevSlice) });
    return out;
  }

  #slices(text: string): Slice[] {
    const out: Slice[] = [];
    let lastBreak = 0;
    for (const { match, context } of this.#endContexts(text)) {
      if (!this.#containsSentbreak(context)) continue;
      out.push({ start: lastBreak, stop: match.index + 1 });
      lastBreak = match.nextTokStart >= 0 ? match.nextTokStart : match.index + 1;
    }
    out.push({ start: lastBreak, stop: pyRstrip(text).length });
    return out;
  }

  #realign(text: string, slices: Slice[]): Slice[] {
    const out: Slice[] = [];
    let realign = 0;
    for (let i = 0; i < slices.length; i++) {
      const s1 = { start: slices[i]!.start + realign, stop: slices[i]!.stop };
      const nonEmpty = s1.start < s1.stop;
      const s2 = slices[i + 1];
      if (!s2) {
        if (nonEmpty) out.push(s1);
        continue;
      }
      const m = REALIGN_RE.exec(text.slice(s2.start, s2.stop));
      if (m) {
        out.push({ start: s1.start, stop: s2.start + pyRstrip(m[0]).length });
        realign = m[0].length;
      } else {
        realign = 0;
        if (nonEmpty) out.push(s1);
      }
    }
    return out;
  }
}
