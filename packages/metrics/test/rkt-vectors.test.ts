import { describe, expect, it } from "vitest";
import { SHIPPED_PUNKT_DIR } from "../src/tokenize/punkt-params.js";
import { createWordTokenizer } from "../src/tokenize/word-tokenize.js";
import { rktHits, spanAnswers, tokenBudget } from "../src/xor/rkt.js";
import { evaluateXorSubmission, xorScores } from "../src/xor/submission.js";
import { TokenCache } from "../src/xor/token-cache.js";
import { nltkSkip, readJsonl } from "./helpers.js";

interface RktVector {
  id: string;
  lang: string;
  answers: string[];
  ctxs: string[];
  hit?: Record<"0.1" | "1" | "2" | "5", 0 | 1>;
  skipped?: true;
}

const KS = ["0.1", "1", "2", "5"] as const;

describe.skipIf(nltkSkip)("R@kt parity with NLTK-computed vectors", () => {
  const vectors = nltkSkip ? [] : readJsonl<RktVector>("rkt_vectors.jsonl");
  // the tables this package ships (SHIPPED_PUNKT_DIR), not the shared copy
  const cache = nltkSkip ? undefined : new TokenCache(createWordTokenizer({ path: SHIPPED_PUNKT_DIR }));

  it("agrees on every case of rkt_vectors.jsonl for k = 0.1, 1, 2, 5", () => {
    const budgets = KS.map((k) => tokenBudget(Number(k)));
    expect(budgets).toEqual([100, 1000, 2000, 5000]);
    let agree = 0;
    const mismatches: unknown[] = [];
    for (const v of vectors) {
      const span = spanAnswers(v.answers);
      const got =
        span.length === 0
          ? "skipped"
          : rktHits(
              span,
              v.ctxs.map((t) => cache!.get(t, () => t)),
              budgets,
            ).map((h) => (h ? 1 : 0));
      const want = v.skipped ? "skipped" : KS.map((k) => v.hit![k]);
      if (JSON.stringify(got) === JSON.stringify(want)) agree++;
      else mismatches.push({ id: v.id, got, want });
    }
    console.log(`rkt vectors: ${agree}/${vectors.length} agree`);
    expect(vectors.length).toBe(633);
    expect(mismatches).toEqual([]);
  });

  it("aggregates per language exactly like counting the vectors", () => {
    const answers = new Map(vectors.map((v) => [v.id, v.answers]));
    const result = evaluateXorSubmission(answers, vectors, [2, 5], { cache });
    const percent = xorScores(result, 100);
    const fraction = xorScores(result, 1);
    for (const k of ["2", "5"] as const) {
      for (const lang of result.languages) {
        const counted = vectors.filter((v) => v.lang === lang && v.hit);
        const hits = counted.filter((v) => v.hit![k] === 1).length;
        expect(result.counts[lang]).toBe(counted.length);
        expect(percent[`R@${k}kt`]![lang]).toBe((hits / counted.length) * 100);
        expect(fraction[`R@${k}kt`]![lang]).toBe(hits / counted.length);
      }
    }
    // Macro averages as the official script prints them, from the vectors' NLTK hits with Python:
    //   per-language hits/count*100, then statistics.mean(...) → 55.38467920419377 and 68.21319505011063
    expect(percent["R@2kt"]!["avg"]).toBe(55.38467920419377);
    expect(percent["R@5kt"]!["avg"]).toBe(68.21319505011063);
    // on 0–1 (what every xqg API and JSON gives), the same macro averages rescaled
    expect(fraction["R@2kt"]!["avg"]).toBeCloseTo(0.5538467920419377, 15);
    expect(fraction["R@5kt"]!["avg"]).toBeCloseTo(0.6821319505011063, 15);
    const skipped = vectors.filter((v) => v.skipped).length;
    expect(skipped).toBe(24);
    expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(633 - 24);
  });
});
