import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  type GeneratedQueries,
  type Lang,
  type QrelsRow,
  type RunRow,
  readGeneratedQueries,
  readQrels,
  readRun,
  readXorSubmission,
  writeGeneratedQueries,
  writeQrels,
  writeRun,
} from "../src/index.js";
import { collect, rejection } from "./helpers.js";

const ROWS: RunRow[] = [
  { qid: "q1", docid: "d3", rank: 1, score: 12.5 },
  { qid: "q1", docid: "d1", rank: 2, score: 0.1 + 0.2 },
  { qid: "q2", docid: "d2", rank: 1, score: -3 },
];

describe("runs", () => {
  it("round-trips TREC runs with full-precision scores", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "run.trec");
      await writeRun(path, ROWS, { tag: "mbert" });
      expect(await readFile(path, "utf8")).toBe(
        "q1 Q0 d3 1 12.5 mbert\nq1 Q0 d1 2 0.30000000000000004 mbert\nq2 Q0 d2 1 -3 mbert\n",
      );
      expect(await collect(readRun(path))).toEqual(ROWS);
      await writeFile(path, "q9\tQ0  d9 0 1e-3 tag\n");
      expect(await collect(readRun(path))).toEqual([{ qid: "q9", docid: "d9", rank: 0, score: 0.001 }]);
    });
  });

  it("round-trips Tevatron TSV with scores (rank from the position per query) or ranks", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "run.tsv");
      await writeRun(path, ROWS);
      expect(await readFile(path, "utf8")).toBe("q1\td3\t12.5\nq1\td1\t0.30000000000000004\nq2\td2\t-3\n");
      expect(await collect(readRun(path))).toEqual(ROWS);
      await writeRun(path, ROWS, { column: "rank" });
      expect(await readFile(path, "utf8")).toBe("q1\td3\t1\nq1\td1\t2\nq2\td2\t1\n");
      expect(await collect(readRun(path, { column: "rank" }))).toEqual(
        ROWS.map((row) => ({ ...row, score: -row.rank })),
      );
    });
  });

  it("writes XOR-TyDi submissions with passage texts in rank order, and streams them back", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "submission.json");
      const lang: Record<string, Lang> = { q1: "ja", q2: "te" };
      const text: Record<string, string> = { d1: "one", d2: 'two "2"', d3: "three\nlines" };
      const shuffled = [ROWS[1]!, ROWS[0]!, ROWS[2]!];
      await writeRun(path, shuffled, { queryLang: (q) => lang[q], passageText: (d) => text[d] });
      expect(await readFile(path, "utf8")).toBe(
        '[\n{"id":"q1","lang":"ja","ctxs":["three\\nlines","one"]},\n{"id":"q2","lang":"te","ctxs":["two \\"2\\""]}\n]\n',
      );
      expect(JSON.parse(await readFile(path, "utf8"))).toHaveLength(2);
      expect(await collect(readXorSubmission(path))).toEqual([
        { id: "q1", lang: "ja", ctxs: ["three\nlines", "one"] },
        { id: "q2", lang: "te", ctxs: ['two "2"'] },
      ]);
      expect(await collect(readRun(path))).toEqual([
        { qid: "q1", docid: "three\nlines", rank: 1, score: -1 },
        { qid: "q1", docid: "one", rank: 2, score: -2 },
        { qid: "q2", docid: 'two "2"', rank: 1, score: -1 },
      ]);
      // Pretty-printed JSON (json.dump(..., indent=2)) with braces inside strings reads the same.
      await writeFile(path, '[\n  {\n    "id": "a}", "lang": "ar",\n    "ctxs": ["{[x]}"]\n  }\n]');
      expect(await collect(readXorSubmission(path))).toEqual([{ id: "a}", lang: "ar", ctxs: ["{[x]}"] }]);
      const missing = await rejection(writeRun(join(dir, "x.json"), ROWS, { queryLang: (q) => lang[q] }));
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
