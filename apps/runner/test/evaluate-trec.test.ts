import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { xqg } from "./helpers.js";

// q1: d2 (grade 2), d1 relevant; q2: d5; q3: d6, not in the run. The run ranks q1 d3 d2 d1, q2 d7 d5.
const QRELS = ["q1 0 d1 1", "q1 0 d2 2", "q1 0 d4 0", "q2 0 d5 1", "q3 0 d6 1"].join("\n");
const RUN = ["q1 Q0 d3 1 3 t", "q1 Q0 d2 2 2 t", "q1 Q0 d1 3 1 t", "q2 Q0 d7 1 1 t", "q2 Q0 d5 2 0.5 t"].join(
  "\n",
);

async function files(dir: string) {
  const run = join(dir, "run.trec");
  const qrels = join(dir, "qrels.txt");
  await writeFile(run, `${RUN}\n`);
  await writeFile(qrels, `${QRELS}\n`);
  return { run, qrels, out: join(dir, "eval.json") };
}

describe("xqg evaluate from a run and qrels alone", () => {
  it("needs no queries, corpus or Punkt, and prints a table", async () => {
    await withTempDir(async (dir) => {
      const { run, qrels, out } = await files(dir);
      const args = [
        "evaluate",
        "--run",
        run,
        "--qrels",
        qrels,
        "--metrics",
        "nDCG@10,RR@10,R@100",
        "--out",
        out,
      ];
      // no NLTK data anywhere: it must not be looked for
      const result = await xqg(...args, "--nltk-data", join(dir, "nowhere"), "--quiet");
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          "| measure |    avg |",
          "| ------- | -----: |",
          "| nDCG@10 | 0.4335 |",
          "| MRR@10  | 0.3333 |",
          "| R@100   | 0.6667 |",
          "queries: 3 judged, 2 in the run, 2 evaluated, 1 missing",
          "",
        ].join("\n"),
      );
      const evaluation = JSON.parse(await readFile(out, "utf8"));
      expect(evaluation.perQuery.map((q: { id: string }) => q.id)).toEqual(["q1", "q2", "q3"]);
    });
  });

  it("prints trec_eval's output, per query with --per-query, averaging as -c unless --complete false", async () => {
    await withTempDir(async (dir) => {
      const { run, qrels, out } = await files(dir);
      const base = ["evaluate", "--run", run, "--qrels", qrels, "--metrics", "nDCG@10,RR,RR@10", "--quiet"];
      const withC = await xqg(...base, "--out", out, "--trec-eval", "--per-query");
      expect(withC.code).toBe(0);
      expect(withC.stdout).toBe(
        [
          "ndcg_cut_10           \tq1\t0.6697",
          "recip_rank            \tq1\t0.5000",
          "MRR@10                \tq1\t0.5000",
          "ndcg_cut_10           \tq2\t0.6309",
          "recip_rank            \tq2\t0.5000",
          "MRR@10                \tq2\t0.5000",
          "ndcg_cut_10           \tall\t0.4335",
          "recip_rank            \tall\t0.3333",
          "MRR@10                \tall\t0.3333",
          "",
        ].join("\n"),
      );
      const noC = await xqg(...base, "--out", join(dir, "e2.json"), "--trec-eval", "--complete", "false");
      expect(noC.stdout).toBe(
        [
          "ndcg_cut_10           \tall\t0.6503",
          "recip_rank            \tall\t0.5000",
          "MRR@10                \tall\t0.5000",
          "",
        ].join("\n"),
      );
    });
  });

  it("still demands queries and corpus for R@kt", async () => {
    await withTempDir(async (dir) => {
      const { run, out } = await files(dir);
      const result = await xqg("evaluate", "--run", run, "--metrics", "R@2kt", "--out", out, "--quiet");
      // a flag the measure needs and the line lacks: a usage mistake
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'xqg: evaluate: R@2kt needs the queries\' answers and the passages\' text (--queries and --corpus, or "queries" and "corpus" in the config)\n',
      );
    });
  });
});
