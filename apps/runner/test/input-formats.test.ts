import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Passage, type Query, readPassages, readQueries } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { oneOffManifest, QUICKSTART, TINY_BERT, xqg } from "./helpers.js";

/** `--flag` → placeholder, from `xqg <command> --help`. */
async function flagsOf(command: string): Promise<Map<string, string>> {
  const { stdout } = await xqg(command, "--help");
  const rows = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const match = /^ {2}(--[a-z-]+)(?: ([A-Za-z=/]+))?/.exec(line);
    if (match) rows.set(match[1]!, match[2] ?? "");
  }
  return rows;
}

const LANGUAGE_HINT =
  "for other languages name them under languages: in the config, or --language-names code=Name";

describe("every command that reads the corpus or queries takes their format and the languages", () => {
  it.each([
    ["generate", ["--corpus-format", "--language-names"]],
    [
      "encode",
      ["--corpus-format", "--generated-format", "--queries-format", "--queries-lang", "--language-names"],
    ],
    ["evaluate", ["--corpus-format", "--queries-format", "--queries-lang", "--language-names"]],
  ])("xqg %s", async (command, flags) => {
    const shown = await flagsOf(command);
    for (const flag of flags)
      expect(shown.get(flag), flag).toBe(flag === "--language-names" ? "LIST" : "NAME");
  });

  it("rejects an unknown format, listing the choices", async () => {
    const result = await xqg(
      "encode",
      "--corpus",
      "c",
      "--encoder",
      "e",
      "--out",
      "o.npy",
      "--corpus-format",
      "xml",
    );
    expect(result.stderr).toBe(
      'xqg: encode: --corpus-format: expected one of "jsonl", "pyserini", "beir", "dpr-tsv", "msmarco-tsv", got "xml"\n',
    );
  });
});

describe("reader errors name the config key and the flag, not a library option", () => {
  it("a TSV of queries without a language: --queries-lang / queriesLang, then read with it", async () => {
    await withTempDir(async (dir) => {
      const queries = join(dir, "q.tsv");
      await writeFile(queries, "q1\tHabari gani?\nq2\tNini?\n");
      const out = join(dir, "q.npy");
      const base = ["encode", "--queries", queries, "--encoder", TINY_BERT, "--out", out, "--quiet"];
      const missing = await xqg(...base);
      expect(missing.stderr).toBe(
        `xqg: ${queries}:1: field "lang" missing (TSV queries name no language: set queriesLang: CODE in the config, or --queries-lang CODE)\n`,
      );
      const unknown = await xqg(...base, "--queries-lang", "sw");
      expect(unknown.stderr).toBe(
        'xqg: queriesLang (--queries-lang): unknown language "sw"; expected one of ar, bn, fi, ja, ko, ru, te (other languages: name them under languages: in the config, or --language-names code=Name)\n',
      );
      const ok = await xqg(...base, "--queries-lang", "sw", "--language-names", "sw=Swahili");
      expect(ok).toEqual({ code: 0, stdout: "", stderr: "" });
      expect(await readFile(join(dir, "q.ids"), "utf8")).toBe("q1\nq2\n");
      const manifest = JSON.parse(await readFile(oneOffManifest(out), "utf8"));
      expect(manifest.params).toMatchObject({ role: "query", queriesLang: "sw" });
    });
  });

  it("a query in a language not named: the languages key and --language-names", async () => {
    await withTempDir(async (dir) => {
      const queries = join(dir, "q.jsonl");
      await writeFile(queries, '{"id":"1","question":"Nini?","answers":[],"lang":"sw"}\n');
      const result = await xqg(
        "encode",
        "--queries",
        queries,
        "--encoder",
        TINY_BERT,
        "--out",
        join(dir, "q.npy"),
      );
      expect(result.stderr).toBe(
        `xqg: ${queries}:1: field "lang": unknown language "sw" (expected one of ar, bn, fi, ja, ko, ru, te; ${LANGUAGE_HINT} (ISO 639-1 code → English name))\n`,
      );
    });
  });

  it("a corpus whose first record names no format: --corpus-format / corpusFormat", async () => {
    await withTempDir(async (dir) => {
      const corpus = join(dir, "corpus.data");
      await writeFile(corpus, '{"id": "1", "text": "x"}\n');
      const result = await xqg(
        "encode",
        "--corpus",
        corpus,
        "--encoder",
        TINY_BERT,
        "--out",
        join(dir, "p.npy"),
      );
      expect(result.stderr).toBe(
        `xqg: ${corpus}:1: cannot tell the corpus format from this line (a JSON object with the keys id, text; jsonl has "docid", pyserini "contents", beir "_id"); set corpusFormat: NAME in the config, or --corpus-format NAME (one of jsonl, pyserini, beir, dpr-tsv, msmarco-tsv)\n`,
      );
    });
  });
});

describe("xqg run on other formats, with the released queries and a language of one's own", () => {
  it("reads a Pyserini corpus, Tevatron queries and xqg-augmented generated queries, Swahili included", async () => {
    await withTempDir(async (dir) => {
      const passages: Passage[] = [];
      for await (const p of readPassages(join(QUICKSTART, "corpus.jsonl"))) passages.push(p);
      const queries: Query[] = [];
      for await (const q of readQueries(join(QUICKSTART, "dev.jsonl"))) queries.push(q);
      const lines = (records: unknown[]) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
      await writeFile(
        join(dir, "corpus.jsonl"),
        lines(passages.map((p) => ({ id: p.docid, title: p.title, contents: p.text }))),
      );
      // Tevatron's layout; the Japanese questions are relabelled Swahili, a language the config names
      await writeFile(
        join(dir, "dev.jsonl"),
        lines(
          queries.map((q) => ({
            query_id: q.id,
            query: q.question,
            answers: q.answers,
            lang: q.lang === "ja" ? "sw" : q.lang,
          })),
        ),
      );
      // the release's layout: one record per passage, generated_queries by language
      await writeFile(
        join(dir, "xqg-queries.jsonl"),
        lines(
          passages.map((p) => ({
            docid: p.docid,
            title: p.title,
            text: p.text,
            generated_queries: { ar: [`${p.title}?`, "ما؟"], sw: [`${p.title} ni nini?`] },
          })),
        ),
      );
      const config = join(dir, "xqg.yaml");
      await writeFile(
        config,
        `output: out
corpus: corpus.jsonl
queries: dev.jsonl
generated: xqg-queries.jsonl
encoder: ${TINY_BERT}
threads: 1
languages: { ar: Arabic, bn: Bengali, fi: Finnish, ko: Korean, ru: Russian, te: Telugu, sw: Swahili }
encode: { passageMaxLength: 64 }
fuse: { alphas: [0, 0.5] }
evaluate: { tokenizer: treebank }
`,
      );
      const result = await xqg("run", config, "--quiet");
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/\| +te \| +sw \| +avg \|/);
      const evaluation = JSON.parse(await readFile(join(dir, "out/eval/alpha-0.5.json"), "utf8"));
      expect(evaluation.languages).toEqual(["ar", "bn", "fi", "ko", "ru", "te", "sw"]);
      // the 21 Japanese questions, of which R@kt judges 20 (as it does under "ja" on the quickstart itself)
      expect(queries.filter((q) => q.lang === "ja")).toHaveLength(21);
      expect(evaluation.counts).toEqual({ ar: 20, bn: 20, fi: 20, ko: 20, ru: 20, te: 20, sw: 20 });
      const sums = JSON.parse(await readFile(join(dir, "out/embeddings/sums.sums.json"), "utf8"));
      expect(sums).toMatchObject({ passages: passages.length, queries: 3 * passages.length });
    });
  });
});
