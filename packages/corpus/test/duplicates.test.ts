import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  CorpusError,
  type CorpusWarning,
  readGeneratedQueries,
  readPassages,
  readQueries,
} from "../src/index.js";
import { createDuplicateDetector, findDuplicates } from "../src/read/duplicates.js";
import { collect, rejection } from "./helpers.js";

const passage = (docid: string, text: string) => JSON.stringify({ docid, title: "t", text });
const query = (id: string, answers: string[], question = "q?") =>
  JSON.stringify({ id, question, answers, lang: "ja" });

// p1 on lines 1 and 4 (line 3 is blank), p2 on lines 2 and 6
const CORPUS = [
  passage("p1", "a"),
  passage("p2", "b"),
  "",
  passage("p1", "c"),
  passage("p3", "d"),
  passage("p2", "e"),
];

describe("duplicate passage ids", () => {
  it("fail by default with the id and both line numbers, also under onError: skip", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "corpus.jsonl");
      await writeFile(path, `${CORPUS.join("\n")}\n`);
      for (const options of [{}, { onError: "skip" as const }]) {
        const error = await rejection(collect(readPassages(path, options)));
        expect(error).toBeInstanceOf(CorpusError);
        expect(error.message).toBe(
          `${path}:4: duplicate docid "p1": first on line 1; keep one with duplicates: "first" or "last"`,
        );
        expect(error).toMatchObject({ file: path, line: 4, field: "docid", code: "duplicate-id" });
      }
      // DPR TSV: the header is line 1
      const tsv = join(dir, "psgs.tsv");
      await writeFile(tsv, "id\ttext\ttitle\n1\ta\tA\n2\tb\tB\n1\tc\tC\n");
      expect((await rejection(collect(readPassages(tsv)))).message).toBe(
        `${tsv}:4: duplicate docid "1": first on line 2; keep one with duplicates: "first" or "last"`,
      );
    });
  });

  it('"first" keeps each id\'s first record, "last" its last one (reading the file twice), and count the rest', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "corpus.jsonl.gz");
      await writeFile(path, gzipSync(`${CORPUS.join("\n")}\n`));
      const first = readPassages(path, { duplicates: "first" });
      expect((await collect(first)).map((p) => `${p.docid}:${p.text}`)).toEqual(["p1:a", "p2:b", "p3:d"]);
      expect(first.stats).toEqual({ records: 3, skipped: 0, duplicates: 2, warnings: 0, lines: 6 });
      const last = readPassages(path, { duplicates: "last" });
      // in file order of the lines kept
      expect((await collect(last)).map((p) => `${p.docid}:${p.text}`)).toEqual(["p1:c", "p3:d", "p2:e"]);
      expect(last.stats).toEqual({ records: 3, skipped: 0, duplicates: 2, warnings: 0, lines: 6 });
      // a second iteration reads the same again
      expect((await collect(last)).map((p) => p.docid)).toEqual(["p1", "p3", "p2"]);
    });
  });

  it('"last" reports a bad record once, from its second read, and a bad policy is refused', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "corpus.jsonl");
      await writeFile(path, `${passage("p1", "a")}\n{"docid":"p2"}\n${passage("p1", "b")}\n`);
      const skipped: number[] = [];
      const reader = readPassages(path, {
        duplicates: "last",
        onError: "skip",
        onSkip: (e) => skipped.push(e.line!),
      });
      expect((await collect(reader)).map((p) => p.text)).toEqual(["b"]);
      expect([skipped, reader.stats.skipped, reader.stats.duplicates]).toEqual([[2], 1, 1]);
      const failing = readPassages(path, { duplicates: "last" });
      expect((await rejection(collect(failing))).message).toBe(`${path}:2: field "title" missing`);
      const bad = readPassages(path, { duplicates: "keep" as "first" });
      expect((await rejection(collect(bad))).message).toBe(
        `${path}: duplicates must be "error", "first" or "last", got "keep"`,
      );
    });
  });
});

describe("duplicate query ids", () => {
  it("keep an exact repeat once with a warning, and fail on a repeat with other answers", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "queries.jsonl");
      await writeFile(path, [query("q1", ["a"]), query("q2", ["b"]), query("q1", ["a"])].join("\n"));
      const warnings: CorpusWarning[] = [];
      const reader = readQueries(path, { onWarning: (w) => warnings.push(w) });
      expect((await collect(reader)).map((q) => q.id)).toEqual(["q1", "q2"]);
      expect(warnings).toEqual([
        {
          file: path,
          line: 3,
          field: "id",
          code: "duplicate-record",
          message: 'id "q1" repeats line 1 exactly; kept once',
        },
      ]);
      expect(reader.stats).toMatchObject({ records: 2, duplicates: 1, warnings: 1 });

      await writeFile(path, [query("q1", ["a"]), query("q2", ["b"]), query("q1", ["a", "c"])].join("\n"));
      const error = await rejection(collect(readQueries(path)));
      expect(error.message).toBe(
        `${path}:3: duplicate id "q1": first on line 1, with different content; keep one with duplicates: "first" or "last"`,
      );
      expect(error).toMatchObject({ line: 3, field: "id", code: "duplicate-id" });
      const last = await collect(readQueries(path, { duplicates: "last" }));
      expect(last.map((q) => [q.id, q.answers])).toEqual([
        ["q2", ["b"]],
        ["q1", ["a", "c"]],
      ]);
      const first = await collect(readQueries(path, { duplicates: "first" }));
      expect(first.map((q) => [q.id, q.answers])).toEqual([
        ["q1", ["a"]],
        ["q2", ["b"]],
      ]);
    });
  });

  it("treat a different question or language as different content", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "queries.jsonl");
      await writeFile(path, `${query("q1", ["a"], "who?")}\n${query("q1", ["a"], "what?")}\n`);
      expect((await rejection(collect(readQueries(path)))).message).toContain(
        ':2: duplicate id "q1": first on line 1, with different content',
      );
      const tsv = join(dir, "queries.tsv");
      await writeFile(tsv, "q1\twho?\tja\nq1\twho?\tte\n");
      expect((await rejection(collect(readQueries(tsv)))).message).toContain(
        ':2: duplicate id "q1": first on line 1, with different content',
      );
    });
  });
});

describe("createDuplicateDetector / findDuplicates", () => {
  it("remember the first line of each id and name both lines of a repeat", () => {
    const detector = createDuplicateDetector({ file: "passages.ids" });
    expect([detector.add("a", 1), detector.add("b", 2), detector.add("a", 3)]).toEqual([
      undefined,
      undefined,
      1,
    ]);
    expect([detector.size, detector.lineOf("a"), detector.lineOf("b"), detector.lineOf("c")]).toEqual([
      2,
      1,
      2,
      undefined,
    ]);
    detector.check("c", 4);
    let error: unknown;
    try {
      detector.check("b", 5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorpusError);
    expect((error as CorpusError).message).toBe('passages.ids:5: duplicate id "b": first on line 2');
    expect(error).toMatchObject({ line: 5, field: "id", code: "duplicate-id" });
  });

  it("list every repeat of a stream of ids with 1-based positions, up to a limit", async () => {
    const ids = ["x", "y", "x", "z", "y", "x"];
    const all = [
      { id: "x", first: 1, line: 3 },
      { id: "y", first: 2, line: 5 },
      { id: "x", first: 1, line: 6 },
    ];
    expect(await findDuplicates(ids)).toEqual(all);
    async function* stream() {
      yield* ids;
    }
    expect(await findDuplicates(stream(), { limit: 2 })).toEqual(all.slice(0, 2));
    expect(await findDuplicates(["a", "b"])).toEqual([]);
  });
});

describe("duplicate docids in generated queries", () => {
  // A passage's queries twice gave it two Σq rows (the same docid twice in the sums' ids), silently.
  const generated = (docid: string, query: string) => JSON.stringify({ docid, queries: { ja: [query] } });

  it("fail by default naming both lines; first and last keep one record", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "generated.jsonl");
      await writeFile(
        path,
        `${[generated("p1", "a"), generated("p2", "b"), generated("p1", "c")].join("\n")}\n`,
      );
      const error = await rejection(collect(readGeneratedQueries(path)));
      expect(error.message).toBe(
        `${path}:3: duplicate docid "p1": first on line 1; keep one with duplicates: "first" or "last"`,
      );
      expect(error).toMatchObject({ line: 3, field: "docid", code: "duplicate-id" });
      expect(await collect(readGeneratedQueries(path, { duplicates: "first" }))).toEqual([
        { docid: "p1", queries: { ja: ["a"] } },
        { docid: "p2", queries: { ja: ["b"] } },
      ]);
      expect(await collect(readGeneratedQueries(path, { duplicates: "last" }))).toEqual([
        { docid: "p2", queries: { ja: ["b"] } },
        { docid: "p1", queries: { ja: ["c"] } },
      ]);
    });
  });
});
