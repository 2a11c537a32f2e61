import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sharedDataDir, sharedSkipReason, withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { xqg } from "./helpers.js";

interface RktVector {
  id: string;
  lang: string;
  answers: string[];
  ctxs: string[];
  hit?: Record<"0.1" | "1" | "2" | "5", 0 | 1>;
  skipped?: true;
}

const reason = sharedSkipReason("nltk");
if (reason) console.warn(reason);

// An independent reference: ../shared/data/nltk/rkt_vectors.jsonl, whose hits NLTK 3.8 itself computed (the
// official eval_xor_retrieve.py cut). Each case becomes a query, its ctxs passages ranked in order.
describe.skipIf(reason)("xqg evaluate against NLTK's own R@kt hits (rkt_vectors.jsonl)", () => {
  it("every case, at k = 0.1, 1, 2 and 5, through the CLI", { timeout: 300_000 }, async () => {
    const nltk = join(sharedDataDir()!, "nltk");
    const vectors = (await readFile(join(nltk, "rkt_vectors.jsonl"), "utf8"))
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as RktVector);
    expect(vectors).toHaveLength(633);
    await withTempDir(async (dir) => {
      const at = (p: string) => join(dir, p);
      const passages: string[] = [];
      const queries: string[] = [];
      const run: string[] = [];
      for (const v of vectors) {
        queries.push(
          JSON.stringify({ id: v.id, question: `case ${v.id}`, answers: v.answers, lang: v.lang }),
        );
        v.ctxs.forEach((text, i) => {
          passages.push(JSON.stringify({ docid: `${v.id}/${i}`, title: "", text }));
          run.push(`${v.id} Q0 ${v.id}/${i} ${i + 1} ${v.ctxs.length - i} ref`);
        });
      }
      await writeFile(at("corpus.jsonl"), `${passages.join("\n")}\n`);
      await writeFile(at("queries.jsonl"), `${queries.join("\n")}\n`);
      await writeFile(at("run.trec"), `${run.join("\n")}\n`);
      const evaluated = await xqg(
        "evaluate",
        "--run",
        at("run.trec"),
        "--queries",
        at("queries.jsonl"),
        "--corpus",
        at("corpus.jsonl"),
        "--metrics",
        "R@0.1kt,R@1kt,R@2kt,R@5kt",
        "--nltk-data",
        join(nltk, "punkt_tab"),
        "--out",
        at("eval.json"),
        "--quiet",
      );
      // the cases with no passages have no line in a TREC run: missing queries, not counted (the official rule)
      expect(evaluated.stderr).toBe(
        `xqg: warning: evaluate: ${at("run.trec")} lacks 7 judged queries (ar 1, bn 1, ja 1, ko 1, ru 2, te 1); R@kt does not count them, as eval_xor_retrieve.py does\n`,
      );
      expect(evaluated.code).toBe(0);
      const ours = JSON.parse(await readFile(at("eval.json"), "utf8")) as {
        tokenizer: string;
        perQuery: Array<{ id: string; values: Record<string, number> }>;
      };
      expect(ours.tokenizer).toBe("nltk");
      const counted = vectors.filter((v) => v.hit !== undefined);
      expect(counted).toHaveLength(609);
      // queries without a span answer (yes/no only) are not counted, as in the official script
      // a case with no passages cannot be written in a TREC run: it is missing there, so not counted (the
      // official script counts a prediction with an empty ctxs list as a miss; it skips absent ones)
      const inRun = counted.filter((v) => v.ctxs.length > 0);
      expect(counted.length - inRun.length).toBe(7);
      expect(ours.perQuery.map((q) => [q.id, q.values])).toEqual(
        inRun.map((v) => [
          v.id,
          { "R@0.1kt": v.hit!["0.1"], "R@1kt": v.hit!["1"], "R@2kt": v.hit!["2"], "R@5kt": v.hit!["5"] },
        ]),
      );
    });
  });
});
