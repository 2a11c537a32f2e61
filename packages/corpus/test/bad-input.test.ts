import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  CorpusError,
  type CorpusErrorCode,
  readPassages,
  readQueries,
  writePassages,
  writeQueries,
} from "../src/index.js";
import { collect, listing, rejection } from "./helpers.js";

const GOOD = '{"docid":"1","title":"t","text":"a"}';

interface Case {
  name: string;
  file: string;
  content: string | Uint8Array;
  code: CorpusErrorCode;
  /** The exact message after `${path}`, or a pattern for messages that quote the JS engine. */
  message: string | RegExp;
  line?: number;
  field?: string;
}

// distinct docids: a repeated one would be an error of its own
const gz = gzipSync(
  Buffer.from(Array.from({ length: 2000 }, (_, i) => `${GOOD.replace('"1"', `"${i}"`)}\n`).join("")),
);
const corruptGz = Uint8Array.from(gz);
corruptGz.fill(0x55, 40, 60);

const CASES: Case[] = [
  ...(
    [
      ["a space", "doc 1", "0020"],
      ["a line separator (U+2028)", "doc\u20281", "2028"],
      ["a BOM", "\ufeffdoc1", "FEFF"],
      ["a tab", "doc\t1", "0009"],
    ] as const
  ).map(([what, id, code]) => ({
    name: `a passage id with ${what}, refused where the corpus is read`,
    file: "corpus.jsonl",
    content: `${GOOD}\n${JSON.stringify({ docid: id, title: "t", text: "a" })}\n`,
    code: "bad-value" as const,
    message: `:2: field "docid" is ${JSON.stringify(id)}: a passage id may not hold white space, a line break, a BOM or a control character (U+${code}); ids sidecars and TREC runs could not hold it`,
    line: 2,
    field: "docid",
  })),
  {
    name: "a DPR TSV id with a no-break space",
    file: "corpus.tsv",
    content: "id\ttext\ttitle\n1\ta\tt\n2\u00a0b\ta\tt\n",
    code: "bad-value",
    message:
      ':3: field "id" is "2\u00a0b": a passage id may not hold white space, a line break, a BOM or a control character (U+00A0); ids sidecars and TREC runs could not hold it',
    line: 3,
    field: "id",
  },
  {
    name: "missing field",
    file: "corpus.jsonl",
    content: `${GOOD}\n${GOOD.replace('"1"', '"2"')}\n{"docid":"3","title":"t"}\n`,
    code: "missing-field",
    message: ':3: field "text" missing',
    line: 3,
    field: "text",
  },
  {
    name: "wrong type",
    file: "corpus.jsonl",
    content: `{"docid":7,"title":"t","text":"a"}\n`,
    code: "wrong-type",
    message: ':1: field "docid" must be a string, got number',
    line: 1,
    field: "docid",
  },
  {
    name: "not an object",
    file: "corpus.jsonl",
    content: `${GOOD}\n["1","t","a"]\n`,
    code: "wrong-type",
    message: ":2: record must be a JSON object, got array",
    line: 2,
  },
  {
    name: "invalid JSON",
    file: "corpus.jsonl",
    content: `${GOOD}\n{"docid":"2",,}\n${GOOD}\n`,
    code: "invalid-json",
    message: /^:2: invalid JSON: .+/,
    line: 2,
  },
  {
    name: "truncated last line",
    file: "corpus.jsonl",
    content: `${GOOD}\n{"docid":"2","title":"t","te`,
    code: "truncated",
    message: /^:2: truncated record: the file ends inside a JSON value \(.+\)$/,
    line: 2,
  },
  {
    name: "empty file",
    file: "corpus.jsonl",
    content: "",
    code: "empty-file",
    message: ": file is empty (no records)",
  },
  {
    name: "only blank lines",
    file: "corpus.jsonl",
    content: "\r\n  \n",
    code: "empty-file",
    message: ": file is empty (no records)",
  },
  {
    name: "gzip corruption",
    file: "corpus.jsonl.gz",
    content: corruptGz,
    code: "gzip",
    message: /^: gzip data is corrupt \(.+\) after line \d+$/,
  },
  {
    name: "truncated gzip",
    file: "corpus.jsonl.gz",
    content: gz.subarray(0, gz.length - 30),
    code: "gzip",
    message: /^: gzip data is corrupt \(unexpected end of file\) after line \d+$/,
  },
  {
    name: "invalid UTF-8",
    file: "corpus.jsonl",
    content: Buffer.concat([
      Buffer.from(`${GOOD}\n{"docid":"2","title":"`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","text":""}\n'),
    ]),
    code: "encoding",
    message:
      ":2: invalid UTF-8 (byte 0xff): xqg reads UTF-8 text; convert the file (e.g. iconv -f latin1 -t utf-8, naming its encoding)",
    line: 2,
  },
  {
    name: "Latin-1",
    file: "corpus.jsonl",
    content: Buffer.from(`${GOOD}\n{"docid":"2","title":"Tëst","text":"x"}\n`, "latin1"),
    code: "encoding",
    message:
      ":2: invalid UTF-8 (byte 0xeb): xqg reads UTF-8 text; convert the file (e.g. iconv -f latin1 -t utf-8, naming its encoding)",
    line: 2,
  },
  {
    name: "UTF-16",
    file: "corpus.jsonl",
    content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${GOOD}\n`, "utf16le")]),
    code: "encoding",
    message:
      ":1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); xqg reads UTF-8: convert it, e.g. iconv -f utf-16 -t utf-8",
    line: 1,
  },
  {
    name: "UTF-16 without a byte-order mark (little-endian)",
    file: "corpus.jsonl",
    content: Buffer.from(`${GOOD}\n`, "utf16le"),
    code: "encoding",
    message:
      ":1: the file looks like UTF-16LE without a byte-order mark (its first bytes alternate with 0s); xqg reads UTF-8: convert it, e.g. iconv -f utf-16le -t utf-8",
    line: 1,
  },
  {
    name: "UTF-16 without a byte-order mark, Japanese text early in the line",
    file: "corpus.jsonl",
    content: Buffer.from('{"docid":"j1","title":"東京都","text":"日本の首都"}\n', "utf16le"),
    code: "encoding",
    message:
      ":1: the file looks like UTF-16LE without a byte-order mark (its first bytes alternate with 0s); xqg reads UTF-8: convert it, e.g. iconv -f utf-16le -t utf-8",
    line: 1,
  },
  {
    name: "UTF-16 without a byte-order mark (big-endian)",
    file: "corpus.jsonl",
    content: Buffer.from(`${GOOD}\n`, "utf16le").swap16(),
    code: "encoding",
    message:
      ":1: the file looks like UTF-16BE without a byte-order mark (its first bytes alternate with 0s); xqg reads UTF-8: convert it, e.g. iconv -f utf-16be -t utf-8",
    line: 1,
  },
  {
    name: "NUL bytes (an interrupted write)",
    file: "corpus.jsonl",
    content: Buffer.concat([Buffer.from(`${GOOD}\n`), Buffer.alloc(12), Buffer.from("\n")]),
    code: "invalid-json",
    message:
      ":2: invalid JSON: the line holds NUL bytes (binary data, or the zeros an interrupted write leaves)",
    line: 2,
  },
  {
    name: "a control character in the JSON",
    file: "corpus.jsonl",
    content: `${GOOD}\n\u0007{"docid":"2"}\n`,
    code: "invalid-json",
    message: /^:2: invalid JSON: [^\u0007]*\\u0007[^\u0007]*$/,
    line: 2,
  },
  {
    name: "TSV header without title",
    file: "psgs.tsv",
    content: "id\ttext\n1\tx\n",
    code: "bad-header",
    message:
      ':1: header row must name the columns id, text and title; column "title" missing (got "id\\ttext")',
    line: 1,
    field: "title",
  },
  {
    name: "TSV wrong column count",
    file: "psgs.tsv",
    content: "id\ttext\ttitle\n1\tx\tt\n2\tonly two\n",
    code: "bad-columns",
    message: ":3: expected 3 tab-separated columns (id, text, title), found 2",
    line: 3,
  },
  {
    // Python's csv reads a quoted field that is never closed to the end of the file (as one field)
    name: "TSV quote never closed",
    file: "psgs.tsv",
    content: 'id\ttext\ttitle\n1\t"x\tt\n2\ty\tu\n',
    code: "bad-columns",
    message:
      ":2: expected 3 tab-separated columns (id, text, title), found 2 (the record runs from line 2 to line 3: a quoted field holds line breaks)",
    line: 2,
  },
  {
    name: "TSV field over the field size limit (a stray quote)",
    file: "psgs.tsv",
    content: `id\ttext\ttitle\n1\t"x\tt\n${"2\ty\tu\n".repeat(30_000)}`,
    code: "bad-columns",
    message:
      ":2: field larger than field limit (131072) in column 2; the quoted field opened on this line is not closed within 131072 characters (a stray quote?)",
    line: 2,
  },
  {
    name: "missing file",
    file: "does-not-exist.jsonl",
    content: "",
    code: "io",
    message: ": file not found",
  },
];

describe("bad input: each case gives its documented error and leaves no output behind", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await withTempDir(async (dir) => {
        const input = join(dir, c.file);
        if (c.code !== "io") await writeFile(input, c.content);
        const error = await rejection(writePassages(join(dir, "out.jsonl"), readPassages(input)));
        expect(error).toBeInstanceOf(CorpusError);
        const corpusError = error as CorpusError;
        expect(corpusError.code).toBe(c.code);
        expect(corpusError.file).toBe(input);
        expect(corpusError.line).toBe(c.line);
        expect(corpusError.field).toBe(c.field);
        expect(corpusError.message.startsWith(input)).toBe(true);
        const rest = corpusError.message.slice(input.length);
        if (typeof c.message === "string") expect(rest).toBe(c.message);
        else expect(rest).toMatch(c.message);
        expect(await listing(dir)).toEqual(c.code === "io" ? [] : [c.file]);
      });
    });
  }
});

describe("data quirks that are not errors", () => {
  it("drops a BOM and CR line ends, skips blank lines, takes a last line without newline", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl");
      await writeFile(path, `\ufeff${GOOD}\r\n\r\n${GOOD.replace('"1"', '"2"')}`);
      expect(await collect(readPassages(path))).toEqual([
        { docid: "1", title: "t", text: "a" },
        { docid: "2", title: "t", text: "a" },
      ]);
      const tsv = join(dir, "p.tsv");
      await writeFile(tsv, "\ufeffid\ttext\ttitle\r\n1\tx\tt\r\n");
      expect(await collect(readPassages(tsv))).toEqual([{ docid: "1", title: "t", text: "x" }]);
    });
  });

  it("allowEmpty accepts an empty file", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl");
      await writeFile(path, "");
      expect(await collect(readPassages(path, { allowEmpty: true }))).toEqual([]);
    });
  });
});

describe("onError: skip", () => {
  it("drops bad records, counts them and reports each", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "q.jsonl");
      await writeFile(
        path,
        [
          '{"id":"1","question":"a","answers":[],"lang":"ar"}',
          '{"id":"2","question":"b","answers":[],"lang":"en"}',
          "not json",
          '{"id":"4","answers":[],"lang":"ru"}',
          '{"id":"5","question":"e","answers":[1],"lang":"ru"}',
          '{"id":"6","question":"f","answers":["x"],"lang":" te"}',
        ].join("\n"),
      );
      const skipped: string[] = [];
      const reader = readQueries(path, {
        onError: "skip",
        onSkip: (e) => skipped.push(`${e.line} ${e.code}`),
        onWarning: () => {},
      });
      expect((await collect(reader)).map((q) => `${q.id}:${q.lang}`)).toEqual(["1:ar", "6:te"]);
      expect(skipped).toEqual(["2 unknown-language", "3 invalid-json", "4 missing-field", "5 wrong-type"]);
      expect(reader.stats).toEqual({ records: 2, skipped: 4, duplicates: 0, warnings: 1, lines: 6 });
      const failFast = await rejection(collect(readQueries(path)));
      expect(failFast.message).toBe(
        `${path}:2: field "lang": unknown language "en" (expected one of ar, bn, fi, ja, ko, ru, te; for other languages pass { languages } (ISO 639-1 code → English name))`,
      );
    });
  });

  it("never skips a bad TSV header (every later line would be misread)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "p.tsv");
      await writeFile(path, "docid\tbody\n1\tx\n");
      const error = (await rejection(collect(readPassages(path, { onError: "skip" })))) as CorpusError;
      expect(error.code).toBe("bad-header");
    });
  });
});

describe("writers refuse bad records without leaving a file", () => {
  it("names the output file, line and field", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "out.jsonl");
      const bad = [{ docid: "1", title: "t", text: "a" }, { docid: "2", title: "t" } as never];
      expect((await rejection(writePassages(out, bad))).message).toBe(`${out}:2: field "text" missing`);
      const tsv = join(dir, "out.tsv");
      const untitled = [{ docid: "1", title: "t", text: "x" }];
      expect((await rejection(writePassages(tsv, untitled, { format: "msmarco-tsv" }))).message).toBe(
        `${tsv}:1: field "title": msmarco-tsv has no title column (write jsonl or dpr-tsv)`,
      );
      const broken = [{ docid: "1", title: "", text: "two\nlines" }];
      expect((await rejection(writePassages(tsv, broken, { format: "msmarco-tsv" }))).message).toBe(
        `${tsv}:1: field "text" contains a line break, which TSV cannot hold (use JSONL)`,
      );
      const queries = join(dir, "q.tsv");
      const tabbed = [{ id: "1", question: "a\tb", answers: [], lang: "ar" as const }];
      expect((await rejection(writeQueries(queries, tabbed))).message).toBe(
        `${queries}:1: a tab inside a TSV field`,
      );
      const english = [{ id: "1", question: "a", answers: [], lang: "en" as never }];
      expect((await rejection(writeQueries(join(dir, "q.jsonl"), english))).message).toBe(
        `${join(dir, "q.jsonl")}:1: field "lang": unknown language "en" (expected one of ar, bn, fi, ja, ko, ru, te; for other languages pass { languages } (ISO 639-1 code → English name))`,
      );
      expect(await listing(dir)).toEqual([]);
    });
  });

  it("keeps the previous file when a rewrite fails", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "out.jsonl");
      await writePassages(out, [{ docid: "1", title: "t", text: "a" }]);
      async function* failing() {
        yield { docid: "2", title: "t", text: "b" };
        throw new Error("encoder crashed");
      }
      expect((await rejection(writePassages(out, failing()))).message).toBe("encoder crashed");
      expect(await readFile(out, "utf8")).toBe(`${GOOD}\n`);
      expect(await listing(dir)).toEqual(["out.jsonl"]);
    });
  });
});
