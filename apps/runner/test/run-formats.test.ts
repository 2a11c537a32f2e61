import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeIds } from "@xqg/core";
import { writeNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { xqg } from "./helpers.js";

// Two queries; q1 judges p1 (2) and p2 (1), q2 judges p4 (1). The ranking, best first: q1 p3 p1 p2, q2 p4 p5.
const QRELS = "q1 0 p1 2\nq1 0 p2 1\nq2 0 p4 1\n";
const RANKING: Array<[string, string[]]> = [
  ["q1", ["p3", "p1", "p2"]],
  ["q2", ["p4", "p5"]],
];
const TREC = RANKING.flatMap(([q, ds]) => ds.map((d, i) => `${q} Q0 ${d} ${i + 1} ${10 - i} bm25`)).join(
  "\n",
);
const MSMARCO = RANKING.flatMap(([q, ds]) => ds.map((d, i) => `${q}\t${d}\t${i + 1}`)).join("\n");
const TEVATRON = RANKING.flatMap(([q, ds]) => ds.map((d, i) => `${q}\t${d}\t${(10 - i) / 4}`)).join("\n");
// nDCG@10 over the two queries: q1 = (2/log2 3 + 1/2) / (2 + 1/log2 3), q2 = 1
const Q1 = (2 / Math.log2(3) + 1 / 2) / (2 + 1 / Math.log2(3));
const TABLE = [
  "| measure |    avg |",
  "| ------- | -----: |",
  `| nDCG@10 | ${((Q1 + 1) / 2).toFixed(4)} |`,
  "| MRR@10  | 0.7500 |",
  "queries: 2 judged, 2 in the run, 2 evaluated, 0 missing",
  "",
].join("\n");

const evaluate = (run: string, qrels: string, ...rest: string[]) =>
  xqg("evaluate", "--run", run, "--qrels", qrels, "--metrics", "nDCG@10,MRR@10", "--quiet", ...rest);

const BIN = resolve(import.meta.dirname, "../src/bin.ts");

/** The CLI in a child process with `input` on its standard input. */
function withStdin(input: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", BIN, ...argv], {
      cwd: resolve(import.meta.dirname, ".."),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("run formats told by content", () => {
  it("scores an MS MARCO run (qid pid rank) by rank, a Tevatron one by score, TREC under any name", async () => {
    await withTempDir(async (dir) => {
      const qrels = join(dir, "qrels.txt");
      await writeFile(qrels, QRELS);
      const files: Array<[string, string]> = [
        ["msmarco.tsv", MSMARCO],
        ["tevatron.tsv", TEVATRON],
        ["bm25.res", TREC],
        ["run", TREC],
      ];
      for (const [name, text] of files) {
        await writeFile(join(dir, name), `${text}\n`);
        const result = await evaluate(join(dir, name), qrels);
        expect([name, result.stderr, result.code]).toEqual([name, "", 0]);
        expect(result.stdout).toBe(TABLE);
      }
    });
  });

  it("refuses a 3-column run it cannot tell, naming --run-format, which then reads it", async () => {
    await withTempDir(async (dir) => {
      const qrels = join(dir, "qrels.txt");
      await writeFile(qrels, QRELS);
      const run = join(dir, "one.tsv");
      await writeFile(run, "q1\tp1\t1\nq2\tp4\t1\n");
      const refused = await evaluate(run, qrels);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `xqg: ${run}:1: cannot tell whether the third column is a rank (MS MARCO) or a score (Tevatron) from query "q1" (line 1: one row, of 1); pass --run-format (one of trec, tevatron, msmarco, xor)\n`,
      );
      const read = await evaluate(run, qrels, "--run-format", "msmarco");
      expect(read.code).toBe(0);
      expect(read.stdout).toContain(`| nDCG@10 | ${((2 / (2 + 1 / Math.log2(3)) + 1) / 2).toFixed(4)} |`);
      const bad = await evaluate(run, qrels, "--run-format", "csv");
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--run-format");
    });
  });

  it("reads the run from standard input with --run -, and writes the evaluation JSON to stdout with --out -", async () => {
    await withTempDir(async (dir) => {
      const qrels = join(dir, "qrels.txt");
      await writeFile(qrels, QRELS);
      const args = ["evaluate", "--run", "-", "--qrels", qrels, "--metrics", "nDCG@10,MRR@10", "--quiet"];
      const printed = await withStdin(`${MSMARCO}\n`, args);
      expect([printed.stderr, printed.code]).toEqual(["", 0]);
      expect(printed.stdout).toBe(TABLE);
      const json = await withStdin(`${TREC}\n`, [...args, "--out", "-"]);
      expect([json.stderr, json.code]).toEqual(["", 0]);
      const evaluation = JSON.parse(json.stdout);
      expect(evaluation.queries).toEqual({ judged: 2, run: 2, evaluated: 2, missing: 0 });
      expect(evaluation.scores["MRR@10"].avg).toBe(0.75);
    });
  }, 60_000);
});

describe("what trec_eval refuses", () => {
  it("refuses a document judged twice in the qrels or ranked twice in a run, naming both lines", async () => {
    await withTempDir(async (dir) => {
      const qrels = join(dir, "qrels.txt");
      const run = join(dir, "run.trec");
      await writeFile(qrels, `${QRELS}q1 0 p1 1\n`);
      await writeFile(run, `${TREC}\n`);
      const twiceJudged = await evaluate(run, qrels);
      expect([twiceJudged.code, twiceJudged.stderr]).toEqual([
        1,
        `xqg: ${qrels}:4: document "p1" is judged twice for query "q1" (lines 1 and 4); trec_eval refuses qrels that repeat a judgment\n`,
      ]);
      await writeFile(qrels, QRELS);
      await writeFile(run, `${TREC}\nq1 Q0 p1 4 1 bm25\n`);
      const twiceRanked = await evaluate(run, qrels);
      expect([twiceRanked.code, twiceRanked.stderr]).toEqual([
        1,
        `xqg: ${run}:6: document "p1" is listed twice for query "q1" (lines 2 and 6); trec_eval refuses a run that repeats a document\n`,
      ]);
    });
  });

  it("refuses qrels that judge none of the run's queries, and counts judged, evaluated and missing", async () => {
    await withTempDir(async (dir) => {
      const qrels = join(dir, "qrels.txt");
      const run = join(dir, "run.trec");
      await writeFile(run, `${TREC}\n`);
      await writeFile(qrels, "x1 0 p1 1\nx2 0 p2 1\n");
      const none = await evaluate(run, qrels, "--out", join(dir, "eval.json"));
      expect([none.code, none.stdout, none.stderr]).toEqual([
        1,
        "",
        `xqg: evaluate: ${qrels} judge none of the 2 queries of ${run} (2 judged queries, none in the run): are they the same query set?\n`,
      ]);
      await writeFile(qrels, `${QRELS}q3 0 p9 1\n`);
      const out = join(dir, "eval.json");
      const some = await evaluate(run, qrels, "--out", out);
      expect(some.code).toBe(0);
      expect(some.stdout.split("\n").at(-2)).toBe("queries: 3 judged, 2 in the run, 2 evaluated, 1 missing");
      const evaluation = JSON.parse(await readFile(out, "utf8"));
      expect(evaluation.queries).toEqual({ judged: 3, run: 2, evaluated: 2, missing: 1 });
    });
  });
});

describe("xqg search writes what xqg evaluate reads back", () => {
  it("writes the format its extension or --run-format names, to a file or stdout; refuses repeated passage ids", async () => {
    await withTempDir(async (dir) => {
      // 5 passages and 2 queries in 2 dimensions; inner products rank q1: p3 p1 p2 …, q2: p4 p5 …
      const passages = [
        [1, 1],
        [1, 0.5],
        [2, 2],
        [-1, 3],
        [-1, 2.5],
      ];
      await writeNpy(join(dir, "p.npy"), Float32Array.from(passages.flat()), { dimensions: 2 });
      await writeIds(join(dir, "p.ids"), ["p1", "p2", "p3", "p4", "p5"]);
      await writeNpy(join(dir, "q.npy"), Float32Array.from([1, 0.2, -1, 1]), { dimensions: 2 });
      await writeIds(join(dir, "q.ids"), ["q1", "q2"]);
      const qrels = join(dir, "qrels.txt");
      await writeFile(qrels, QRELS);
      const search = (out: string, ...rest: string[]) =>
        xqg(
          "search",
          "--embeddings",
          join(dir, "p.npy"),
          "--queries",
          join(dir, "q.npy"),
          "--out",
          out,
          "--depth",
          "3",
          "--quiet",
          ...rest,
        );
      const written: Array<[string, string[], RegExp]> = [
        ["run.trec", [], /^q1 Q0 p3 1 /],
        ["run.tsv", [], /^q1\tp3\t\d/],
        ["ranks.tsv", ["--run-format", "msmarco"], /^q1\tp3\t1\nq1\tp1\t2\n/],
        ["plain", [], /^q1 Q0 p3 1 /],
      ];
      const tables = new Set<string>();
      for (const [name, flags, start] of written) {
        const out = join(dir, name);
        const searched = await search(out, ...flags);
        expect([name, searched.code, searched.stderr]).toEqual([name, 0, ""]);
        expect(await readFile(out, "utf8")).toMatch(start);
        const evaluated = await evaluate(out, qrels);
        expect([name, evaluated.code, evaluated.stderr]).toEqual([name, 0, ""]);
        tables.add(evaluated.stdout);
      }
      // every format read back ranks the same
      expect(tables.size).toBe(1);
      const stdout = await search("-", "--tag", "plain");
      expect(stdout.code).toBe(0);
      expect(stdout.stdout).toBe(await readFile(join(dir, "plain"), "utf8"));
      await writeIds(join(dir, "p.ids"), ["p1", "p2", "p3", "p1", "p5"]);
      const repeated = await search(join(dir, "again.trec"));
      expect([repeated.code, repeated.stderr]).toEqual([
        1,
        `xqg: ${join(dir, "p.ids")}: id "p1" at positions 0 and 3 (0-based rows): a passage id must be unique (a run cannot rank one document twice)\n`,
      ]);
    });
  });
});

describe("xqg report over qrels evaluations", () => {
  it("shows the qrels measures, and refuses evaluations over different query sets naming the counts", async () => {
    await withTempDir(async (dir) => {
      const qrels = join(dir, "qrels.txt");
      const run = join(dir, "run.trec");
      await writeFile(qrels, QRELS);
      await writeFile(run, `${TREC}\n`);
      const a = join(dir, "a.json");
      const b = join(dir, "b.json");
      expect((await evaluate(run, qrels, "--out", a)).code).toBe(0);
      await writeFile(run, `${TREC.split("\n").slice(0, 3).join("\n")}\n`);
      expect((await evaluate(run, qrels, "--out", b)).code).toBe(0);
      const report = await xqg(
        "report",
        "--baseline",
        a,
        "--alpha",
        `0.5=${b}`,
        "--out",
        join(dir, "r"),
        "--quiet",
      );
      expect([report.code, report.stderr]).toEqual([0, ""]);
      expect(report.stdout).not.toContain("–");
      expect(report.stdout).toContain("Counted queries: 2");
      const json = JSON.parse(await readFile(join(dir, "r", "report.json"), "utf8"));
      expect(json.rows[0].scores["MRR@10"].avg).toBe(0.75);
      expect(json.rows[1].scores["MRR@10"].avg).toBe(0.25);
      // B evaluated without -c scores only the query its run ranks: 1 of the baseline's 2
      expect((await evaluate(run, qrels, "--out", b, "--complete", "false")).code).toBe(0);
      const refused = await xqg(
        "report",
        "--baseline",
        a,
        "--alpha",
        `0.5=${b}`,
        "--out",
        join(dir, "r2"),
        "--quiet",
      );
      expect([refused.code, refused.stderr]).toEqual([
        1,
        `xqg: ${b}: scores nDCG@10 on 1 queries, the baseline evaluation ${a} on 2 (1 in common); evaluate every system on the same queries (xqg evaluate --complete true scores a query a run lacks 0)\n`,
      ]);
    });
  });
});
