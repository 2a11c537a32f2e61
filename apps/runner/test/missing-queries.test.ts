import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Passage, type Query, readPassages, readQueries } from "@xqg/corpus";
import { createEvaluator } from "@xqg/metrics";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, xqg } from "./helpers.js";

describe("xqg evaluate, a run without some queries", () => {
  it("leaves them out as eval_xor_retrieve.py does, records how many per language and warns", async () => {
    await withTempDir(async (dir) => {
      const corpus = join(QUICKSTART, "corpus.jsonl");
      const dev = join(QUICKSTART, "dev.jsonl");
      const passages: Passage[] = [];
      for await (const p of readPassages(corpus)) passages.push(p);
      const queries: Query[] = [];
      for await (const q of readQueries(dev)) queries.push(q);
      // every query but the first two Japanese and the first Telugu one, each ranking the passages that hold its
      // answer (a hit) for one query in two, and the first five passages otherwise
      const dropped = new Set(
        [...queries.filter((q) => q.lang === "ja").slice(0, 2), queries.find((q) => q.lang === "te")!].map(
          (q) => q.id,
        ),
      );
      const ranked = new Map<string, string[]>();
      queries.forEach((q, i) => {
        if (dropped.has(q.id)) return;
        const holding = passages.filter((p) => q.answers.some((a) => p.text.includes(a)));
        ranked.set(
          q.id,
          (i % 2 === 0 ? [...holding, ...passages] : passages).slice(0, 5).map((p) => p.docid),
        );
      });
      const rows = [...ranked].flatMap(([qid, docids]) =>
        docids.map((d, r) => `${qid} Q0 ${d} ${r + 1} ${10 - r} t`),
      );
      const run = join(dir, "run.trec");
      await writeFile(run, `${rows.join("\n")}\n`);
      const out = join(dir, "eval.json");
      const result = await xqg(
        "evaluate",
        "--run",
        run,
        "--queries",
        dev,
        "--corpus",
        corpus,
        "--tokenizer",
        "treebank",
        "--out",
        out,
        "--quiet",
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        `xqg: warning: evaluate: ${run} lacks 3 judged queries (ja 2, te 1); R@kt does not count them, as eval_xor_retrieve.py does\n`,
      );
      const evaluation = JSON.parse(await readFile(out, "utf8"));
      expect(evaluation.missing).toEqual({ ar: 0, bn: 0, fi: 0, ja: 2, ko: 0, ru: 0, te: 1 });

      // the library on the same ranking: a query the run lacks is not counted (metrics' tests check this against
      // the official script's walk over a submission)
      const texts = new Map(passages.map((p) => [p.docid, p.text]));
      const library = await createEvaluator(
        { queries, passageText: (d) => texts.get(d), tokenizer: "treebank" },
        ["R@2kt", "R@5kt"],
      ).evaluate(
        new Map(
          [...ranked].map(([q, docids]) => {
            const scores = new Map<string, number>(); // a repeated passage keeps its best score, as readRun
            docids.forEach((d, r) => {
              if (!scores.has(d)) scores.set(d, 10 - r);
            });
            return [q, scores];
          }),
        ),
      );
      expect(evaluation.counts).toEqual(library.counts);
      expect(evaluation.scores).toEqual(library.scores);
      expect(evaluation.perQuery).toEqual(library.perQuery);
      const spans = (q: Query) => q.answers.some((a) => a !== "yes" && a !== "no");
      expect(evaluation.counts["ja"]).toBe(queries.filter((q) => q.lang === "ja" && spans(q)).length - 2);
      expect(evaluation.perQuery.map((q: { id: string }) => q.id)).toEqual(
        queries.filter((q) => spans(q) && !dropped.has(q.id)).map((q) => q.id),
      );
    });
  });
});
