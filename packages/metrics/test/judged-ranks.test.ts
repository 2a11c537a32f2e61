import { rankedDocids } from "@xqg/core";
import { mulberry32 } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { judgedRanks, rankedDocidsOf, scoreJudged, scoreRanking } from "../src/measures/compute.js";
import { parseMeasure } from "../src/measures/measure.js";

const MEASURES = [
  "nDCG@10",
  "nDCG",
  "MRR@10",
  "R@5",
  "R@100",
  "P@5",
  "MAP",
  "MAP@20",
  "P(rel=2)@10",
  "R(rel=2)@50",
].map((m) => parseMeasure(m));

describe("qrels measures from the judged documents' ranks", () => {
  it("equal the measures over the whole ranking, bit for bit (ties, infinities, few and many judged)", () => {
    const random = mulberry32(7);
    for (let c = 0; c < 400; c++) {
      const n = 1 + Math.floor(random() * 300);
      const scores = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const r = random();
        // coarse scores make ties; a few infinities
        const score =
          r < 0.02 ? Number.POSITIVE_INFINITY : r < 0.03 ? Number.NEGATIVE_INFINITY : Math.round(r * 20) / 4;
        scores.set(`d${Math.floor(random() * 1000)}`, score);
      }
      const judged = new Map<string, number>();
      const count = c % 5 === 0 ? 100 : Math.floor(random() * 20);
      for (let j = 0; j < count; j++)
        judged.set(`d${Math.floor(random() * 1000)}`, Math.floor(random() * 4) - 1);
      const ranking = rankedDocids(scores);
      expect(rankedDocidsOf(scores)).toEqual(ranking);
      const ranks = judgedRanks(scores, judged);
      for (const m of MEASURES) expect(scoreJudged(m, ranks, judged)).toBe(scoreRanking(m, ranking, judged));
    }
  });
});
