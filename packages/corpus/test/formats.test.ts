import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  type CorpusError,
  type CorpusWarning,
  LANGUAGES,
  type Passage,
  type Query,
  readGeneratedQueries,
  readPassages,
  readQueries,
  writeGeneratedQueries,
  writePassages,
  writeQueries,
} from "../src/index.js";
import { collect, rejection } from "./helpers.js";

const HINT = "; for other languages pass { languages } (ISO 639-1 code → English name)";
const SEVEN = `expected one of ar, bn, fi, ja, ko, ru, te${HINT}`;

/** Writes `content` to `name` in a temp dir and returns the reader's records and its format afterwards. */
async function read<T>(
  content: string | Uint8Array,
  name: string,
  open: (path: string) => AsyncIterable<T> & { format: string },
): Promise<{ records: T[]; format: string; path: string }> {
  return withTempDir(async (dir) => {
    const path = join(dir, name);
    await writeFile(path, content);
    const reader = open(path);
    const records = await collect(reader);
    return { records, format: reader.format, path };
  });
}

async function failure(content: string, name: string, open: (path: string) => AsyncIterable<unknown>) {
  return withTempDir(async (dir) => {
    const path = join(dir, name);
    await writeFile(path, content);
    const error = (await rejection(collect(open(path)))) as CorpusError;
    return { error, rest: error.message.slice(path.length) };
  });
}

describe("corpus formats, told from the first record", () => {
  it("Pyserini {id, contents} and {id, title, contents}", async () => {
    const { records, format } = await read(
      '{"id": "d1", "contents": "Helsinki is the capital."}\n{"id": "d2", "title": "Tokyo", "contents": "Tokyo is big."}\n',
      "collection.jsonl",
      readPassages,
    );
    expect(format).toBe("pyserini");
    expect(records).toEqual([
      { docid: "d1", title: "", text: "Helsinki is the capital." },
      { docid: "d2", title: "Tokyo", text: "Tokyo is big." },
    ]);
  });

  it("BEIR {_id, title, text} (metadata ignored)", async () => {
    const { records, format } = await read(
      '{"_id": "b1", "title": "T", "text": "x", "metadata": {}}\n{"_id": "b2", "text": "y"}\n',
      "corpus.jsonl",
      readPassages,
    );
    expect(format).toBe("beir");
    expect(records).toEqual([
      { docid: "b1", title: "T", text: "x" },
      { docid: "b2", title: "", text: "y" },
    ]);
  });

  it("MS MARCO collection.tsv: pid<TAB>text, no header, quotes kept as they are, also gzipped", async () => {
    const tsv = '0\tThe "Manhattan Project" was a research effort.\n1\t"Quoted" at the start\n';
    const { records, format } = await read(gzipSync(Buffer.from(tsv)), "collection.tsv.gz", readPassages);
    expect(format).toBe("msmarco-tsv");
    expect(records).toEqual([
      { docid: "0", title: "", text: 'The "Manhattan Project" was a research effort.' },
      { docid: "1", title: "", text: '"Quoted" at the start' },
    ]);
  });

  it("DPR TSV with a quoted field spanning lines, CRLF and tabs inside quotes, also gzipped", async () => {
    const tsv =
      'id\ttext\ttitle\r\n1\t"Aaron ""A"" is\r\nthe elder\tbrother"\tAaron\r\n2\tplain\tB\r\n3\t"x"\t"Tab\tTitle"\r\n';
    for (const [content, name] of [
      [tsv, "psgs.tsv"],
      [gzipSync(Buffer.from(tsv)), "psgs.tsv.gz"],
    ] as const) {
      const { records, format } = await read(content, name, readPassages);
      expect(format).toBe("dpr-tsv");
      expect(records).toEqual([
        { docid: "1", title: "Aaron", text: 'Aaron "A" is\r\nthe elder\tbrother' },
        { docid: "2", title: "B", text: "plain" },
        { docid: "3", title: "Tab\tTitle", text: "x" },
      ]);
    }
  });

  it("names the first line of a record in later errors (a quoted field spans two lines)", async () => {
    const { error, rest } = await failure(
      'id\ttext\ttitle\n1\t"two\nlines"\tT\n2\tmissing a column\n',
      "psgs.tsv",
      readPassages,
    );
    expect(error.line).toBe(4);
    expect(rest).toBe(":4: expected 3 tab-separated columns (id, text, title), found 2");
  });

  it("a stray quote fails at its line (field size limit), and onError: skip goes on at the next line", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "psgs.tsv");
      const rows = Array.from({ length: 40 }, (_, i) => `${i + 3}\t${"word ".repeat(10)}\tT${i + 3}`);
      await writeFile(path, `id\ttext\ttitle\n1\tok\tA\n2\t"stray quote\tB\n${rows.join("\n")}\n`);
      const error = (await rejection(collect(readPassages(path, { fieldSizeLimit: 500 })))) as CorpusError;
      expect(error.message).toBe(
        `${path}:3: field larger than field limit (500) in column 2; the quoted field opened on this line is not closed within 500 characters (a stray quote?)`,
      );
      expect({ line: error.line, code: error.code }).toEqual({ line: 3, code: "bad-columns" });
      const skipped: string[] = [];
      const reader = readPassages(path, {
        fieldSizeLimit: 500,
        onError: "skip",
        onSkip: (e) => skipped.push(`${e.line}`),
      });
      const docids = (await collect(reader)).map((p) => p.docid);
      expect(docids).toEqual(["1", ...rows.map((_, i) => `${i + 3}`)]);
      expect(skipped).toEqual(["3"]);
      // Python's default limit: the 40 lines (2,400 characters) are read into the open field, as Python does
      const whole = await collect(readPassages(path, { onError: "skip", onSkip: () => {} }));
      expect(whole.map((p) => p.docid)).toEqual(["1"]);
      const bad = await rejection(Promise.resolve().then(() => readPassages(path, { fieldSizeLimit: 0 })));
      expect(bad.message).toBe(`${path}: option "fieldSizeLimit" must be a positive integer, got 0`);
    });
  });

  it.each([
    [
      "a JSON object without docid, contents or _id",
      '{"id": "1", "text": "x"}\n',
      ':1: cannot tell the corpus format from this line (a JSON object with the keys id, text; jsonl has "docid", pyserini "contents", beir "_id"); pass { format } (one of jsonl, pyserini, beir, dpr-tsv, msmarco-tsv)',
    ],
    [
      "three TSV columns without a header row",
      "\n1\tsome text\tA title\n",
      ":2: cannot tell the corpus format from this line (3 tab-separated columns without a header row; dpr-tsv starts with the header id, text, title, msmarco-tsv has 2 columns); pass { format } (one of jsonl, pyserini, beir, dpr-tsv, msmarco-tsv)",
    ],
    [
      "one column of plain text",
      "just text\n",
      ":1: cannot tell the corpus format from this line (neither a JSON object nor tab-separated columns); pass { format } (one of jsonl, pyserini, beir, dpr-tsv, msmarco-tsv)",
    ],
  ])("an ambiguous first line (%s) names the file, line and the choices", async (_name, content, message) => {
    const { error, rest } = await failure(content, "corpus.data", readPassages);
    expect(rest).toBe(message);
    expect({ code: error.code, field: error.field }).toEqual({ code: "bad-value", field: "format" });
  });

  it("an explicit format is read as asked, whatever the content looks like", async () => {
    const { records } = await read('0\t"quoted" text\n', "c.txt", (path) =>
      readPassages(path, { format: "msmarco-tsv" }),
    );
    expect(records).toEqual([{ docid: "0", title: "", text: '"quoted" text' }]);
    const { rest } = await failure('0\t"quoted" text\n', "c.txt", (path) =>
      readPassages(path, { format: "dpr-tsv" }),
    );
    expect(rest).toBe(
      ':1: header row must name the columns id, text and title; column "id" missing (got "0\\t\\"quoted\\" text")',
    );
  });

  it("writes every format and reads it back", async () => {
    const passages: Passage[] = [
      { docid: "1", title: "Aaron", text: 'Aaron "A"\tis\nthe elder brother' },
      { docid: "2", title: "", text: "no title" },
    ];
    await withTempDir(async (dir) => {
      const expected = {
        jsonl:
          '{"docid":"1","title":"Aaron","text":"Aaron \\"A\\"\\tis\\nthe elder brother"}\n{"docid":"2","title":"","text":"no title"}\n',
        pyserini:
          '{"id":"1","title":"Aaron","contents":"Aaron \\"A\\"\\tis\\nthe elder brother"}\n{"id":"2","title":"","contents":"no title"}\n',
        beir: '{"_id":"1","title":"Aaron","text":"Aaron \\"A\\"\\tis\\nthe elder brother"}\n{"_id":"2","title":"","text":"no title"}\n',
        "dpr-tsv": 'id\ttext\ttitle\n1\t"Aaron ""A""\tis\nthe elder brother"\tAaron\n2\tno title\t\n',
      } as const;
      for (const [format, text] of Object.entries(expected)) {
        const path = join(dir, `out.${format}`);
        await writePassages(path, passages, { format: format as keyof typeof expected });
        expect(await readFile(path, "utf8")).toBe(text);
        expect(await collect(readPassages(path))).toEqual(passages);
      }
      const marco = join(dir, "collection.tsv");
      await writePassages(marco, [{ docid: "7", title: "", text: 'a "b"' }], { format: "msmarco-tsv" });
      expect(await readFile(marco, "utf8")).toBe('7\ta "b"\n');
      expect(await collect(readPassages(marco))).toEqual([{ docid: "7", title: "", text: 'a "b"' }]);
    });
  });
});

describe("query formats, told from the first record", () => {
  it("Tevatron {query_id, query} and BEIR {_id, text}, with the language from the record or the lang option", async () => {
    const tevatron = await read(
      '{"query_id": "q1", "query": "wer?", "answers": ["x"], "positive_passages": []}\n{"query_id": "q2", "query": "wie?", "lang": "fi"}\n',
      "dev.jsonl",
      (path) => readQueries(path, { lang: "ja" }),
    );
    expect(tevatron.format).toBe("tevatron");
    expect(tevatron.records).toEqual([
      { id: "q1", question: "wer?", answers: ["x"], lang: "ja" },
      { id: "q2", question: "wie?", answers: [], lang: "fi" },
    ]);
    const beir = await read('{"_id": "b1", "text": "what?", "metadata": {}}\n', "queries.jsonl", (path) =>
      readQueries(path, { lang: "ko" }),
    );
    expect(beir.format).toBe("beir");
    expect(beir.records).toEqual([{ id: "b1", question: "what?", answers: [], lang: "ko" }]);
    const { rest } = await failure('{"_id": "b1", "text": "what?"}\n', "queries.jsonl", readQueries);
    expect(rest).toBe(':1: field "lang" missing (BEIR queries name no language: pass { lang })');
  });

  it("XOR-TyDi and TSV are told apart; an ambiguous record names the choices", async () => {
    expect((await read('{"id":"1","question":"?","lang":"ar"}\n', "q.data", readQueries)).format).toBe(
      "xor-tydi",
    );
    expect((await read("q1\twhat?\tte\n", "q.data", readQueries)).format).toBe("tsv");
    const { rest } = await failure('{"id": "1", "text": "?"}\n', "q.jsonl", readQueries);
    expect(rest).toBe(
      ':1: cannot tell the queries format from this line (a JSON object with the keys id, text; xor-tydi has "question", tevatron "query_id", beir "_id"); pass { format } (one of xor-tydi, tevatron, beir, tsv)',
    );
  });

  it("writes every format and reads it back", async () => {
    const queries: Query[] = [{ id: "q1", question: "wer?", answers: ["x"], lang: "fi" }];
    await withTempDir(async (dir) => {
      for (const [format, text, back] of [
        ["xor-tydi", '{"id":"q1","question":"wer?","answers":["x"],"lang":"fi"}\n', queries],
        ["tevatron", '{"query_id":"q1","query":"wer?","answers":["x"],"lang":"fi"}\n', queries],
        ["beir", '{"_id":"q1","text":"wer?","lang":"fi"}\n', [{ ...queries[0], answers: [] }]],
      ] as const) {
        const path = join(dir, `q.${format}`);
        await writeQueries(path, queries, { format });
        expect(await readFile(path, "utf8")).toBe(text);
        expect(await collect(readQueries(path))).toEqual(back);
      }
    });
  });
});

describe("languages: one rule for every reader, and other languages by name", () => {
  it('rejects "en" on JSONL and { lang: "de" } on TSV alike, saying how to name them', async () => {
    const jsonl = await failure('{"id":"1","question":"?","lang":"en"}\n', "q.jsonl", readQueries);
    expect(jsonl.rest).toBe(`:1: field "lang": unknown language "en" (${SEVEN})`);
    expect(jsonl.error.code).toBe("unknown-language");
    await withTempDir(async (dir) => {
      const path = join(dir, "q.tsv");
      await writeFile(path, "q1\twas?\n");
      const error = (await rejection(
        Promise.resolve().then(() => readQueries(path, { lang: "de" as "ar" })),
      )) as CorpusError;
      expect(error.message).toBe(`${path}: option "lang": unknown language "de" (${SEVEN})`);
      expect({ code: error.code, field: error.field }).toEqual({ code: "unknown-language", field: "lang" });
    });
  });

  it("accepts the languages named in `languages`, with their types, on every format", async () => {
    const languages = { ...LANGUAGES, sw: "Swahili", de: "German" };
    const jsonl = await read(
      '{"id":"1","question":"nini?","lang":"sw"}\n{"id":"2","question":"?","lang":" DE"}\n',
      "q.jsonl",
      (path) => readQueries(path, { languages, onWarning: () => {} }),
    );
    const first: Query<keyof typeof languages> = jsonl.records[0]!;
    expect(first.lang).toBe("sw");
    expect(jsonl.records[1]!.lang).toBe("de");
    const tsv = await read("q1\twas?\n", "q.tsv", (path) => readQueries(path, { languages, lang: "de" }));
    expect(tsv.records).toEqual([{ id: "q1", question: "was?", answers: [], lang: "de" }]);
    // a set that replaces the defaults: ar is then unknown
    const { rest } = await failure('{"id":"1","question":"?","lang":"ar"}\n', "q.jsonl", (path) =>
      readQueries(path, { languages: { sw: "Swahili" } }),
    );
    expect(rest).toBe(`:1: field "lang": unknown language "ar" (expected one of sw${HINT})`);
  });

  it.each([
    [
      { EN: "English" },
      'option "languages" "EN" is not an ISO 639-1 code (two lowercase letters, e.g. "sw")',
    ],
    [
      { swa: "Swahili" },
      'option "languages" "swa" is not an ISO 639-1 code (two lowercase letters, e.g. "sw")',
    ],
    [
      { sw: "" },
      'option "languages" the name of "sw" must be its English name (a non-empty string, e.g. "Swahili")',
    ],
    [{}, 'option "languages" names no language'],
  ])("refuses the language set %j", async (languages, reason) => {
    await withTempDir(async (dir) => {
      const path = join(dir, "q.jsonl");
      const error = (await rejection(
        Promise.resolve().then(() => readQueries(path, { languages: languages as Record<string, string> })),
      )) as CorpusError;
      expect(error.message).toBe(`${path}: ${reason}`);
      expect({ code: error.code, field: error.field }).toEqual({ code: "bad-value", field: "languages" });
    });
  });

  it("generated queries in other languages round-trip with `languages`, and are refused without", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "gen.jsonl");
      const languages = { ...LANGUAGES, sw: "Swahili" };
      await writeGeneratedQueries(path, [{ docid: "d1", queries: { sw: ["nini?"], ar: ["ما؟"] } }], {
        languages,
      });
      expect(await collect(readGeneratedQueries(path, { languages }))).toEqual([
        { docid: "d1", queries: { sw: ["nini?"], ar: ["ما؟"] } },
      ]);
      expect((await rejection(collect(readGeneratedQueries(path)))).message).toBe(
        `${path}:1: field "queries.sw": unknown language "sw" (${SEVEN})`,
      );
    });
  });
});

describe("the released xQG queries (ielab/xor-tydi-xqg-augmented)", () => {
  const fixture = resolve(import.meta.dirname, "fixtures/xqg-augmented.jsonl");

  it("are read as generated queries: generated_queries per passage, title and text ignored", async () => {
    const warnings: CorpusWarning[] = [];
    const reader = readGeneratedQueries(fixture, { onWarning: (w) => warnings.push(w) });
    const records = await collect(reader);
    expect(reader.format).toBe("xqg-augmented");
    expect(records.map((r) => r.docid)).toEqual(["1", "2"]);
    expect(Object.keys(records[0]!.queries)).toEqual(["ar", "bn", "fi", "ja", "ko", "ru", "te"]);
    expect(Object.values(records[0]!.queries).map((q) => q.length)).toEqual([5, 5, 5, 5, 5, 5, 5]);
    expect(records[0]!.queries.ja![0]).toBe("アロンとは誰ですか？");
    expect(records[1]!.queries.te).toEqual(["t1", "t2", "t3", "t4", "t5"]);
    expect(warnings).toEqual([]);
    // the same file is a corpus too: its records carry docid, title and text
    const passages = await collect(readPassages(fixture));
    expect(passages[1]).toEqual({
      docid: "2",
      title: "Aaron",
      text: "He was the first high priest of the Israelites.",
    });
  });

  it("are written in the release's layout on request", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "g.jsonl");
      await writeGeneratedQueries(path, [{ docid: "1", queries: { ja: ["q"] } }], {
        format: "xqg-augmented",
      });
      expect(await readFile(path, "utf8")).toBe('{"docid":"1","generated_queries":{"ja":["q"]}}\n');
      expect(await collect(readGeneratedQueries(path))).toEqual([{ docid: "1", queries: { ja: ["q"] } }]);
    });
  });
});
