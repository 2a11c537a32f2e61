import { describe, expect, it } from "vitest";
import { createWordTokenizer, evaluateXorSubmission, TokenCache } from "../src/index.js";
import { rktHits, spanAnswers, tokenBudget } from "../src/xor/rkt.js";
import { nltkSkip, punktDir, readJsonl } from "./helpers.js";

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
  const cache = nltkSkip ? undefined : new TokenCache(createWordTokenizer({ path: punktDir() }));

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
    for (const k of ["2", "5"] as const) {
      for (const lang of result.languages) {
        const counted = vectors.filter((v) => v.lang === lang && v.hit);
        const hits = counted.filter((v) => v.hit![k] === 1).length;
        expect(result.counts[lang]).toBe(counted.length);
        expect(result.scores[`R@${k}kt`]![lang]).toBe((hits / counted.length) * 100);
      }
    }
    // Macro averages as the official script prints them, from the vectors' NLTK hits with Python:
    //   per-language hits/count*100, then statistics.mean(...) → 55.38467920419377 and 68.21319505011063
    expect(result.scores["R@2kt"]!["avg"]).toBe(55.38467920419377);
    expect(result.scores["R@5kt"]!["avg"]).toBe(68.21319505011063);
    const skipped = vectors.filter((v) => v.skipped).length;
    expect(skipped).toBe(24);
    expect(result.perQuery.length).toBe(633 - 24);
  });
});
