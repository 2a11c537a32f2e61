import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sharedDataDir, sharedSkipReason, withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { type CorpusWarning, type Query, readQueries, writeQueries } from "../src/index.js";
import { collect, rejection } from "./helpers.js";

const reason = sharedSkipReason("xor-tydi");
if (reason) console.warn(reason);

describe.skipIf(reason)("XOR-TyDi train queries (../shared/data)", () => {
  it("reads all 15,250 queries with the right count per language, normalising ' ar' with warnings", async () => {
    const path = join(sharedDataDir()!, "xor-tydi", "xor_train_retrieve_eng_span.jsonl");
    // Expected counts computed independently with:
    //   python3 -c "import json,collections; print(collections.Counter(json.loads(l)['lang'].strip()
    //     for l in open('xor_train_retrieve_eng_span.jsonl', encoding='utf-8')))"
    // and every "ar" in the file is written " ar" (2574 lines).
    const warnings: CorpusWarning[] = [];
    const reader = readQueries(path, { onWarning: (w) => warnings.push(w) });
    const counts: Record<string, number> = {};
    let first: Query | undefined;
    let withAnswers = 0;
    for await (const query of reader) {
      first ??= query;
      counts[query.lang] = (counts[query.lang] ?? 0) + 1;
      if (query.answers.length > 0) withAnswers++;
    }
    expect(counts).toEqual({ ar: 2574, bn: 2582, fi: 2088, ja: 2288, ko: 2469, ru: 1941, te: 1308 });
    expect(reader.stats).toEqual({ records: 15250, skipped: 0, duplicates: 0, warnings: 2574, lines: 15250 });
    expect(withAnswers).toBe(15250);
    expect(first).toEqual({
      id: "-2745676532874802308",
      question: "উইকিলিকস কত সালে সর্বপ্রথম ইন্টারনেটে প্রথম তথ্য প্রদর্শন করে ?",
      answers: ["2006"],
      lang: "bn",
    });
    expect(warnings).toHaveLength(2574);
    expect(warnings[0]).toMatchObject({ file: path, field: "lang", code: "normalised-language" });
    expect(warnings[0]!.message).toBe('field "lang": language " ar" read as "ar"');
  });
});

describe("queries", () => {
  const QUERIES: Query[] = [
    { id: "q1", question: 'Wer ist "X"?', answers: ["X", "Y"], lang: "fi" },
    { id: "q2", question: "日本の首都は？", answers: [], lang: "ja" },
  ];

  it("round-trips XOR-TyDi JSONL exactly, keeping only the known fields", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "q.jsonl");
      await writeQueries(path, QUERIES);
      expect(await readFile(path, "utf8")).toBe(
        '{"id":"q1","question":"Wer ist \\"X\\"?","answers":["X","Y"],"lang":"fi"}\n' +
          '{"id":"q2","question":"日本の首都は？","answers":[],"lang":"ja"}\n',
      );
      expect(await collect(readQueries(path))).toEqual(QUERIES);
      await writeFile(path, '{"id":"t","question":"?","lang":"KO","split":"test"}\n');
      const warnings: CorpusWarning[] = [];
      expect(await collect(readQueries(path, { onWarning: (w) => warnings.push(w) }))).toEqual([
        { id: "t", question: "?", answers: [], lang: "ko" },
      ]);
      expect(warnings.map((w) => `${w.line} ${w.message}`)).toEqual([
        '1 field "lang": language "KO" read as "ko"',
      ]);
    });
  });

  it("reads and writes TSV qid<TAB>text, with the language from a third column or the option", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "q.tsv");
      await writeQueries(path, QUERIES);
      expect(await readFile(path, "utf8")).toBe('q1\tWer ist "X"?\nq2\t日本の首都は？\n');
      expect(await collect(readQueries(path, { lang: "ru" }))).toEqual(
        QUERIES.map((q) => ({ ...q, answers: [], lang: "ru" })),
      );
      await writeQueries(path, QUERIES, { withLang: true });
      expect(await readFile(path, "utf8")).toBe('q1\tWer ist "X"?\tfi\nq2\t日本の首都は？\tja\n');
      expect(await collect(readQueries(path))).toEqual(QUERIES.map((q) => ({ ...q, answers: [] })));
    });
  });

  it("asks for a language when a TSV line has none", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "q.tsv");
      await writeFile(path, "q1\twhat?\n");
      const error = await rejection(collect(readQueries(path)));
      expect(error.message).toBe(
        `${path}:1: field "lang" missing (TSV queries name no language: pass { lang })`,
      );
    });
  });
});
