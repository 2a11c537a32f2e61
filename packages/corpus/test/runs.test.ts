import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Run } from "@xqg/core";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { readXorSubmission } from "../src/formats/runs.js";
import {
  type GeneratedQueries,
  type Lang,
  type QrelsRow,
  readGeneratedQueries,
  readQrels,
  readRun,
  writeGeneratedQueries,
  writeQrels,
  writeRun,
} from "../src/index.js";
import { collect, rejection } from "./helpers.js";

/** The rows as a Run (d1 listed first: writing ranks by score). */
const RUN: Run = new Map([
  [
    "q1",
    new Map([
      ["d1", 0.1 + 0.2],
      ["d3", 12.5],
    ]),
  ],
  ["q2", new Map([["d2", -3]])],
]);

describe("runs", () => {
  it("round-trips TREC runs with full-precision scores", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "run.trec");
      expect(await writeRun(path, RUN, { tag: "mbert" })).toEqual({ records: 3 });
      expect(await readFile(path, "utf8")).toBe(
        "q1 Q0 d3 1 12.5 mbert\nq1 Q0 d1 2 0.30000000000000004 mbert\nq2 Q0 d2 1 -3 mbert\n",
      );
      expect(await readRun(path)).toEqual(RUN);
      await writeFile(path, "q9\tQ0  d9 0 1e-3 tag\n");
      expect(await readRun(path)).toEqual(new Map([["q9", new Map([["d9", 0.001]])]]));
    });
  });

  it("reads a run by score, as trec_eval: the rank column ignored, a repeated document refused", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "run.trec");
      await writeFile(path, "q Q0 a 1 1 t\nq Q0 b 2 3 t\nr Q0 a 1 1 t\n\nq Q0 a 3 0.5 t\nq Q0 c 4 1 t\n");
      expect((await rejection(readRun(path))).message).toBe(
        `${path}:5: document "a" is listed twice for query "q" (lines 1 and 5); trec_eval refuses a run that repeats a document`,
      );
      await writeFile(path, "q Q0 a 1 1 t\nq Q0 b 2 3 t\nq Q0 c 4 1 t\n");
      expect(await readRun(path)).toEqual(
        new Map([
          [
            "q",
            new Map([
              ["a", 1],
              ["b", 3],
              ["c", 1],
            ]),
          ],
        ]),
      );
      // ties by docid descending, as trec_eval ranks them
      await writeRun(path, await readRun(path), { tag: "t" });
      expect(await readFile(path, "utf8")).toBe("q Q0 b 1 3 t\nq Q0 c 2 1 t\nq Q0 a 3 1 t\n");
      const rows = [{ qid: "q", docid: "d", rank: 1, score: 1 }] as never;
      expect((await rejection(writeRun(path, rows))).message).toBe(
        `${path}: the run must be a Map of query id → Map of docid → score (@xqg/core's Run)`,
      );
    });
  });

  it("round-trips Tevatron TSV (scores) and MS MARCO TSV (ranks), told apart by content", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "run.tsv");
      await writeRun(path, RUN);
      expect(await readFile(path, "utf8")).toBe("q1\td3\t12.5\nq1\td1\t0.30000000000000004\nq2\td2\t-3\n");
      expect(await readRun(path)).toEqual(RUN);
      await writeRun(path, RUN, { format: "msmarco" });
      expect(await readFile(path, "utf8")).toBe("q1\td3\t1\nq1\td1\t2\nq2\td2\t1\n");
      const ranked = new Map([
        [
          "q1",
          new Map([
            ["d3", -1],
            ["d1", -2],
          ]),
        ],
        ["q2", new Map([["d2", -1]])],
      ]);
      expect(await readRun(path)).toEqual(ranked);
      expect(await readRun(path, { format: "msmarco" })).toEqual(ranked);
      // read as scores when asked: the ranks become scores
      expect((await readRun(path, { format: "tevatron" })).get("q1")).toEqual(
        new Map([
          ["d3", 1],
          ["d1", 2],
        ]),
      );
      // integer scores that decrease are scores; ranks must be 1 or more
      await writeFile(path, "q\ta\t7\nq\tb\t5\nr\ta\t9\n");
      expect(await readRun(path)).toEqual(
        new Map([
          [
            "q",
            new Map([
              ["a", 7],
              ["b", 5],
            ]),
          ],
          ["r", new Map([["a", 9]])],
        ]),
      );
      await writeFile(path, "q\ta\t1\nq\tb\t2\nr\ta\t0\n");
      expect((await rejection(readRun(path))).message).toBe(
        `${path}:3: field "rank" must be 1 or more, got "0"`,
      );
    });
  });

  it("tells run formats apart by content, whatever the name, and refuses what cannot be told", async () => {
    await withTempDir(async (dir) => {
      const res = join(dir, "bm25.res");
      await writeFile(res, "q1 Q0 d3 1 12.5 bm25\nq1 Q0 d1 2 0.5 bm25\n");
      const trec = new Map([
        [
          "q1",
          new Map([
            ["d3", 12.5],
            ["d1", 0.5],
          ]),
        ],
      ]);
      expect(await readRun(res)).toEqual(trec);
      const bare = join(dir, "run");
      await writeFile(bare, "q1 Q0 d3 1 12.5 bm25\nq1 Q0 d1 2 0.5 bm25\n");
      expect(await readRun(bare)).toEqual(trec);
      const json = join(dir, "sub");
      await writeFile(json, '[{"id":"q1","lang":"ar","ctxs":["a","b"]}]');
      expect(await readRun(json)).toEqual(
        new Map([
          [
            "q1",
            new Map([
              ["a", -1],
              ["b", -2],
            ]),
          ],
        ]),
      );
      const one = join(dir, "one.tsv");
      await writeFile(one, "q1\td1\t1\nq2\td1\t1\n");
      expect((await rejection(readRun(one))).message).toBe(
        `${one}:1: cannot tell whether the third column is a rank (MS MARCO) or a score (Tevatron) from query "q1" (line 1: one row, of 1); pass { format } (one of trec, tevatron, msmarco, xor)`,
      );
      expect(await readRun(one, { format: "msmarco" })).toEqual(
        new Map([
          ["q1", new Map([["d1", -1]])],
          ["q2", new Map([["d1", -1]])],
        ]),
      );
      await writeFile(one, "q1 d1 1 2\n");
      expect((await rejection(readRun(one))).message).toBe(
        `${one}:1: cannot tell the run format from this line (4 whitespace-separated columns): expected TREC's \`qid Q0 docid rank score tag\`, three tab-separated columns (Tevatron, MS MARCO) or an XOR submission's \`[\`; pass { format } (one of trec, tevatron, msmarco, xor)`,
      );
      await writeFile(one, "q1\td1\t3\nq1\td1\t2\n");
      expect((await rejection(readRun(one))).message).toBe(
        `${one}:2: document "d1" is listed twice for query "q1" (lines 1 and 2); trec_eval refuses a run that repeats a document`,
      );
    });
  });

  it("writes XOR-TyDi submissions with passage texts in rank order, and streams them back", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "submission.json");
      const lang: Record<string, Lang> = { q1: "ja", q2: "te" };
      const text: Record<string, string> = { d1: "one", d2: 'two "2"', d3: "three\nlines" };
      await writeRun(path, RUN, { queryLang: (q) => lang[q], passageText: (d) => text[d] });
      expect(await readFile(path, "utf8")).toBe(
        '[\n{"id":"q1","lang":"ja","ctxs":["three\\nlines","one"]},\n{"id":"q2","lang":"te","ctxs":["two \\"2\\""]}\n]\n',
      );
      expect(JSON.parse(await readFile(path, "utf8"))).toHaveLength(2);
      expect(await collect(readXorSubmission(path))).toEqual([
        { id: "q1", lang: "ja", ctxs: ["three\nlines", "one"] },
        { id: "q2", lang: "te", ctxs: ['two "2"'] },
      ]);
      // an unscored ranking: scores from rank (scoreOfRank), the passage texts as docids
      expect(await readRun(path)).toEqual(
        new Map([
          [
            "q1",
            new Map([
              ["three\nlines", -1],
              ["one", -2],
            ]),
          ],
          ["q2", new Map([['two "2"', -1]])],
        ]),
      );
      // Pretty-printed JSON (json.dump(..., indent=2)) with braces inside strings reads the same.
      await writeFile(path, '[\n  {\n    "id": "a}", "lang": "ar",\n    "ctxs": ["{[x]}"]\n  }\n]');
      expect(await collect(readXorSubmission(path))).toEqual([{ id: "a}", lang: "ar", ctxs: ["{[x]}"] }]);
      const missing = await rejection(writeRun(join(dir, "x.json"), RUN, { queryLang: (q) => lang[q] }));
      expect(missing.message).toBe(
        `${join(dir, "x.json")}: the XOR format needs queryLang and passageText (the submission holds languages and passage texts)`,
      );
    });
  });

  it("reports XOR JSON structure errors with the line", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "bad.json");
      await writeFile(path, '[\n{"id":"q","lang":"ar","ctxs":[]},\n{"id":"r","lang":"ar"}\n]\n');
      expect((await rejection(collect(readXorSubmission(path)))).message).toBe(
        `${path}:3: field "ctxs" missing`,
      );
      await writeFile(path, '[\n{"id":"q","lang":"ar","ctxs":["x"]},\n{"id":"r",');
      expect((await rejection(collect(readXorSubmission(path)))).message).toBe(
        `${path}:3: truncated file: the last array element is not closed`,
      );
      await writeFile(path, '[{"id":"q","lang":"ar","ctxs":[]},]');
      expect((await rejection(collect(readXorSubmission(path)))).message).toBe(
        `${path}:1: trailing ',' before ]`,
      );
    });
  });
});

describe("qrels", () => {
  it("round-trips TREC qrels", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "qrels.txt");
      const rows: QrelsRow[] = [
        { qid: "1", docid: "d1", relevance: 2, iteration: "0" },
        { qid: "1", docid: "d2", relevance: -1, iteration: "Q0" },
      ];
      await writeQrels(path, rows);
      expect(await readFile(path, "utf8")).toBe("1 0 d1 2\n1 Q0 d2 -1\n");
      expect(await collect(readQrels(path))).toEqual(rows);
      await writeFile(path, "1 0 d1 1\n2 0 d1 1\n1 0 d2 0\n1 Q0 d1 2\n");
      expect((await rejection(collect(readQrels(path)))).message).toBe(
        `${path}:4: document "d1" is judged twice for query "1" (lines 1 and 4); trec_eval refuses qrels that repeat a judgment`,
      );
      await writeFile(path, "1 0 d1 1.5\n");
      expect((await rejection(collect(readQrels(path)))).message).toBe(
        `${path}:1: field "relevance" must be an integer, got "1.5"`,
      );
    });
  });
});

describe("generated queries", () => {
  it("round-trips JSONL and checks language keys", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "gen.jsonl.gz");
      const records: GeneratedQueries[] = [
        { docid: "d1", queries: { ar: ["س1", "س2"], te: ["ప్ర"] } },
        { docid: "d2", queries: {} },
      ];
      await writeGeneratedQueries(path, records);
      expect(await collect(readGeneratedQueries(path))).toEqual(records);
      const plain = join(dir, "gen.jsonl");
      await writeGeneratedQueries(plain, records);
      expect(await readFile(plain, "utf8")).toBe(
        '{"docid":"d1","queries":{"ar":["س1","س2"],"te":["ప్ర"]}}\n{"docid":"d2","queries":{}}\n',
      );
      await writeFile(plain, '{"docid":"d1","queries":{"en":["q"]}}\n');
      expect((await rejection(collect(readGeneratedQueries(plain)))).message).toBe(
        `${plain}:1: field "queries.en": unknown language "en" (expected one of ar, bn, fi, ja, ko, ru, te; for other languages pass { languages } (ISO 639-1 code → English name))`,
      );
      await writeFile(plain, '{"docid":"d1","queries":{"ar":["q", 3]}}\n');
      expect((await rejection(collect(readGeneratedQueries(plain)))).message).toBe(
        `${plain}:1: field "queries.ar[]" must be a string, got number`,
      );
    });
  });
});
