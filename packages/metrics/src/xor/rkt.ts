import type { TokenizedPassage } from "./token-cache.js";

/** Answers the XOR-Retrieve metric ignores (yes/no questions). */
const YES_NO = new Set(["yes", "no"]);

/** The answers R@kt looks for: all but "yes" and "no". A query with none left is not counted. */
export function spanAnswers(answers: readonly string[]): string[] {
  return answers.filter((a) => !YES_NO.has(a));
}

/** Token budget for k (thousands of tokens), as the official script: `int(float(k) * 1000)`. */
export function tokenBudget(k: number): number {
  if (!Number.isFinite(k) || k < 0) throw new RangeError(`R@kt needs a finite k >= 0, got ${k}`);
  return Math.trunc(k * 1000);
}

/**
 * For each budget (in tokens): whether any answer is a case-sensitive substring of the first `budget` tokens of
 * the passages, in rank order, joined with single spaces. Walks (and so tokenizes) passages only until the
 * largest budget is reached.
 */
export function rktHits(
  answers: readonly string[],
  passages: Iterable<TokenizedPassage>,
  budgets: readonly number[],
): boolean[] {
  const maxBudget = Math.max(0, ...budgets);
  const parts: string[] = [];
  const cutLength = budgets.map(() => -1);
  let tokens = 0;
  let length = 0;
  if (maxBudget > 0) {
    for (const p of passages) {
      const n = p.ends.length;
      if (n === 0) continue;
      const base = length + (tokens > 0 ? 1 : 0);
      budgets.forEach((b, i) => {
        if (cutLength[i] === -1 && b > tokens && b <= tokens + n)
          cutLength[i] = base + p.ends[b - tokens - 1]!;
      });
      parts.push(p.joined);
      tokens += n;
      length = base + p.joined.length;
      if (tokens >= maxBudget) break;
    }
  }
  const text = parts.join(" ");
  const cuts = budgets.map((b, i) => (b === 0 ? 0 : cutLength[i] === -1 ? text.length : cutLength[i]!));
  // The leftmost occurrence of an answer also ends leftmost, so one search serves every budget.
  const firstEnds = answers.map((a) => {
    const at = text.indexOf(a);
    return at < 0 ? Number.POSITIVE_INFINITY : at + a.length;
  });
  const earliest = Math.min(Number.POSITIVE_INFINITY, ...firstEnds);
  return cuts.map((cut) => earliest <= cut);
}
