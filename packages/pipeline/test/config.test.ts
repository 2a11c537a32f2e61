import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../src/config.js";

const QUICKSTART = resolve(import.meta.dirname, "../../../examples/quickstart/xqg.yaml");

function errorOf(text: string, file = "exp.yaml"): string {
  try {
    parseConfig(text, file, `/work/exp/${file}`);
  } catch (error) {
    expect((error as Error).name).toBe("UserError");
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

const MINIMAL = "corpus: c.jsonl\nqueries: q.jsonl\nencoder: enc\ngenerator: gen\n";

describe("config", () => {
  it("loads the quickstart config with defaults filled in and paths resolved against the file", async () => {
    const config = await loadConfig(QUICKSTART);
    const dir = resolve(QUICKSTART, "..");
    expect(config.corpus).toBe(resolve(dir, "corpus.jsonl"));
    expect(config.output).toBe(resolve(dir, "out"));
    expect(config.encoder).toEqual({
      query: resolve(dir, "../../tooling/fixtures/tiny-bert"),
      passage: resolve(dir, "../../tooling/fixtures/tiny-bert"),
    });
    expect(config.stages.fuse.alphas).toEqual([0, 0.01, 0.1, 0.3]);
    expect(config.stages.generate.topK).toBe(50);
    expect(config.stages.encode).toEqual({
      pooling: "cls",
      normalize: false,
      queryMaxLength: 32,
      passageMaxLength: 64,
      batchSize: 32,
      dtype: "float32",
      limit: 0,
    });
    expect(config.ablation).toEqual({ queriesPerLanguage: [1, 2, 3], alpha: 0.3 });
    expect(config.shards).toEqual({ count: 1, only: undefined });
  });

  it("reads JSON as well, with untied encoders and a worker shard", () => {
    const json = JSON.stringify({
      corpus: "c.jsonl",
      queries: "q.jsonl",
      encoder: { query: "qe", passage: "pe" },
      generator: "g",
      shards: "1/4",
      fuse: { alphas: [0.02] },
    });
    const config = parseConfig(json, "exp.json", "/work/exp/exp.json");
    expect(config.encoder).toEqual({ query: "/work/exp/qe", passage: "/work/exp/pe" });
    expect(config.shards).toEqual({ count: 4, only: 1 });
    expect(config.stages.fuse.alphas).toEqual([0.02]);
  });

  it.each([
    [
      "a missing required key",
      "queries: q.jsonl\nencoder: e\ngenerator: g\n",
      "exp.yaml: corpus: expected a corpus file (JSONL {docid,title,text} or DPR TSV, optionally .gz), or a list [base, delta, ...] of a corpus file then delta files, got nothing",
    ],
    [
      "no generator and no generated queries",
      "corpus: c\nqueries: q\nencoder: e\n",
      'exp.yaml: generator: expected a seq2seq model directory (or "generated": a file of generated queries), got nothing',
    ],
    [
      "an unknown top-level key",
      `${MINIMAL}alpha: 0.1\n`,
      "exp.yaml:5: alpha: unknown key (expected one of: output, corpus, queries, qrels, generated, nltkData, corpusFormat, queriesFormat, generatedFormat, queriesLang, duplicates, languages, encoder, generator, shards, threads, mergeGenerated, searchRanges, device, queue, ablation, generate, encode, fuse, index, search, evaluate, report)",
    ],
    [
      "an unknown stage key",
      `${MINIMAL}generate:\n  perLanguge: 5\n`,
      "exp.yaml:6: generate.perLanguge: unknown key (did you mean perLanguage?) (expected one of: preset, languages, perLanguage, strategy, seed, topK, topP, temperature, numBeams, maxLength, maxInputLength, batchSize, variant)",
    ],
    [
      "a stage name in the wrong case",
      `${MINIMAL}Search:\n  depth: 5\n`,
      "exp.yaml:5: Search: unknown key (did you mean search?) (expected one of: output, corpus, queries, qrels, generated, nltkData, corpusFormat, queriesFormat, generatedFormat, queriesLang, duplicates, languages, encoder, generator, shards, threads, mergeGenerated, searchRanges, device, queue, ablation, generate, encode, fuse, index, search, evaluate, report)",
    ],
    [
      "two letters swapped",
      `${MINIMAL}search:\n  dpeth: 5\n`,
      "exp.yaml:6: search.dpeth: unknown key (did you mean depth?) (expected one of: depth, batchSize)",
    ],
    [
      "a wrong type",
      `${MINIMAL}generate:\n  perLanguage: five\n`,
      'exp.yaml:6: generate.perLanguage: expected an integer in [1, 100], got "five"',
    ],
    [
      "an out-of-range α",
      `${MINIMAL}fuse:\n  alphas: [0, 0.01, 1.5]\n`,
      "exp.yaml:6: fuse.alphas[2]: expected a non-empty list of numbers in [0, 1], got 1.5",
    ],
    [
      "an unknown strategy",
      `${MINIMAL}generate:\n  strategy: nucleus\n`,
      'exp.yaml:6: generate.strategy: expected one of "sample", "greedy", "beam", got "nucleus"',
    ],
    [
      "an unknown language",
      `${MINIMAL}generate:\n  languages: [ar, de]\n`,
      'exp.yaml:6: generate.languages[1]: expected a non-empty list of "ar", "bn", "fi", "ja", "ko", "ru", "te", got "de" (name other languages under languages:, e.g. languages: { ar: Arabic, sw: Swahili })',
    ],
    [
      "an unknown index type",
      `${MINIMAL}index:\n  type: ivf\n`,
      'exp.yaml:6: index.type: expected one of "exact", "hnsw", got "ivf"',
    ],
    [
      "an index dtype by its old name",
      `${MINIMAL}index:\n  type: hnsw\n  dtype: f16\n`,
      'exp.yaml:7: index.dtype: "f16" was renamed to "float16"',
    ],
    [
      "a bad shard",
      `${MINIMAL}shards: 4/4\n`,
      'exp.yaml:5: shards: expected i/N with 0 ≤ i < N ≤ 100,000 (e.g. 0/4), got "4/4"',
    ],
    [
      "a negative depth",
      `${MINIMAL}search: { depth: -1 }\n`,
      "exp.yaml:5: search.depth: expected an integer in [1, 100000], got -1",
    ],
    [
      "a stage that is not a mapping",
      `${MINIMAL}fuse: 0.01\n`,
      "exp.yaml:5: fuse: expected a mapping of fuse settings (alphas, reduce, renormalize, languages, weights), got 0.01",
    ],
    [
      "YAML syntax",
      "corpus: [c.jsonl\n",
      "exp.yaml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
    [
      "more threads than the machine can sensibly run (before ONNX Runtime starts them)",
      `${MINIMAL}threads: 100000\n`,
      `exp.yaml:5: threads: 100,000 threads is more than 4 × the ${availableParallelism()} cores of this machine (at most ${4 * availableParallelism()}); use 0 for all cores`,
    ],
    [
      "a list at the top",
      "- corpus\n",
      "exp.yaml: expected a mapping of keys (corpus, queries, encoder, ...) at the top level",
    ],
  ])("rejects %s with a message naming the key and the expected value", (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it("names the line in JSON configs too", () => {
    const json =
      '{\n  "corpus": "c",\n  "queries": "q",\n  "encoder": "e",\n  "generator": "g",\n  "threads": -2\n}\n';
    expect(errorOf(json, "exp.json")).toBe(
      "exp.json:6: threads: expected an integer ≥ 0 (0: all cores), got -2",
    );
  });
});

describe("config: how the input files are read", () => {
  it("hands formats, the query language and the languages to the stages that read the files, and only to them", () => {
    const config = parseConfig(
      `${MINIMAL}corpusFormat: msmarco-tsv\nqueriesFormat: tevatron\ngeneratedFormat: xqg-augmented\nqueriesLang: sw\nlanguages: { sw: Swahili, ja: Japanese }\n`,
      "exp.yaml",
      "/work/exp/exp.yaml",
    );
    const inputs = {
      corpusFormat: "msmarco-tsv",
      queriesFormat: "tevatron",
      generatedFormat: "xqg-augmented",
      queriesLang: "sw",
      languageNames: { sw: "Swahili", ja: "Japanese" },
    };
    expect(config.stages.generate).toMatchObject({ ...inputs, languages: ["sw", "ja"] });
    expect(config.stages.encode).toMatchObject(inputs);
    expect(config.stages.evaluate).toMatchObject(inputs);
    expect(Object.keys(config.stages.fuse)).toEqual([
      "alphas",
      "reduce",
      "renormalize",
      "languages",
      "weights",
    ]);
    // without them, the stages' settings are as they were (formats told from content, the seven languages)
    const plain = parseConfig(MINIMAL, "exp.yaml", "/work/exp/exp.yaml");
    expect(Object.keys(plain.stages.encode)).not.toContain("corpusFormat");
    expect(plain.stages.generate.languages).toEqual(["ar", "bn", "fi", "ja", "ko", "ru", "te"]);
  });

  it("keeps generate.languages when given, checked against the languages named", () => {
    const config = parseConfig(
      `${MINIMAL}languages: { sw: Swahili, ja: Japanese }\ngenerate:\n  languages: [ja]\n`,
      "exp.yaml",
      "/work/exp/exp.yaml",
    );
    expect(config.stages.generate.languages).toEqual(["ja"]);
    expect(errorOf(`${MINIMAL}languages: { sw: Swahili }\ngenerate:\n  languages: [sw, ar]\n`)).toBe(
      'exp.yaml:7: generate.languages[1]: expected a non-empty list of "sw", got "ar" (name other languages under languages:, e.g. languages: { ar: Arabic, sw: Swahili })',
    );
  });

  it.each([
    [
      "an unknown corpus format",
      `${MINIMAL}corpusFormat: xml\n`,
      'exp.yaml:5: corpusFormat: expected one of "jsonl", "pyserini", "beir", "dpr-tsv", "msmarco-tsv", got "xml"',
    ],
    [
      "an unknown queries format",
      `${MINIMAL}queriesFormat: jsonl\n`,
      'exp.yaml:5: queriesFormat: expected one of "xor-tydi", "tevatron", "beir", "tsv", got "jsonl"',
    ],
    [
      "a query language outside the languages",
      `${MINIMAL}queriesLang: de\n`,
      'exp.yaml:5: queriesLang: expected one of "ar", "bn", "fi", "ja", "ko", "ru", "te", got "de" (name other languages under languages:, e.g. languages: { ar: Arabic, sw: Swahili })',
    ],
    [
      "a language code that is not ISO 639-1",
      `${MINIMAL}languages: { SW: Swahili }\n`,
      'exp.yaml:5: languages.SW: expected language names by ISO 639-1 code, e.g. { ar: Arabic, sw: Swahili } (on the command line ar=Arabic,sw=Swahili), got "Swahili"',
    ],
    [
      "an index rebuild share past 1",
      `${MINIMAL}index: { type: hnsw, rebuildShare: 1.5 }\n`,
      "exp.yaml:5: index.rebuildShare: expected a number in [0, 1], got 1.5",
    ],
    [
      "a language without its name",
      `${MINIMAL}languages: { sw: "" }\n`,
      'exp.yaml:5: languages.sw: expected language names by ISO 639-1 code, e.g. { ar: Arabic, sw: Swahili } (on the command line ar=Arabic,sw=Swahili), got ""',
    ],
  ])("rejects %s, naming the key", (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });
});

describe("config files that are not a YAML or JSON text", () => {
  it.each([
    [
      "UTF-16",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MINIMAL, "utf16le")]),
      "the config is UTF-16; save it as UTF-8 text (YAML or JSON)",
    ],
    [
      "binary",
      Buffer.from(`${MINIMAL}\0\0\0`),
      "the config is binary (it holds NUL bytes); save it as UTF-8 text (YAML or JSON)",
    ],
    [
      "empty",
      Buffer.from("\n  \n"),
      "the config is empty; it names at least corpus, queries, encoder and generator",
    ],
  ])("%s: one line saying so", async (_name, bytes, said) => {
    await withTempDir(async (dir) => {
      const file = join(dir, "exp.yaml");
      await writeFile(file, bytes);
      await expect(loadConfig(file)).rejects.toThrow(`${file}: ${said}`);
    });
  });

  it("a folder: says it is one", async () => {
    await withTempDir(async (dir) => {
      await expect(loadConfig(dir)).rejects.toThrow(`${dir}: cannot read the config file (it is a folder)`);
    });
  });
});

describe("config: a corpus as a base file plus delta files", () => {
  const REST = "queries: q.jsonl\nencoder: enc\ngenerator: gen\n";

  it("reads the list: the base file, then delta files, a format, a delete list; paths against the config", () => {
    const config = parseConfig(
      `corpus:\n  - base.jsonl\n  - deltas/1.jsonl\n  - { path: deltas/2.tsv, format: dpr-tsv }\n  - deletes: deltas/gone.txt\n  - path: /data/3.jsonl\n${REST}`,
      "exp.yaml",
      "/work/exp/exp.yaml",
    );
    expect(config.corpus).toBe("/work/exp/base.jsonl");
    expect(config.corpusDeltas).toEqual([
      "/work/exp/deltas/1.jsonl",
      { path: "/work/exp/deltas/2.tsv", format: "dpr-tsv" },
      { deletes: "/work/exp/deltas/gone.txt" },
      { path: "/data/3.jsonl" },
    ]);
  });

  it("a path alone, or a list of one, has no deltas", () => {
    expect(parseConfig(`corpus: c.jsonl\n${REST}`, "exp.yaml", "/work/exp/exp.yaml").corpusDeltas).toEqual(
      [],
    );
    const one = parseConfig(`corpus: [c.jsonl]\n${REST}`, "exp.yaml", "/work/exp/exp.yaml");
    expect(one.corpus).toBe("/work/exp/c.jsonl");
    expect(one.corpusDeltas).toEqual([]);
  });

  it("reads the list from JSON as well", () => {
    const json = JSON.stringify({
      corpus: ["c.jsonl", { deletes: "gone.txt" }],
      queries: "q.jsonl",
      encoder: "e",
      generator: "g",
    });
    const config = parseConfig(json, "exp.json", "/work/exp/exp.json");
    expect(config.corpusDeltas).toEqual([{ deletes: "/work/exp/gone.txt" }]);
  });

  it.each([
    [
      "an empty list",
      `corpus: []\n${REST}`,
      "exp.yaml:1: corpus: expected a corpus file (JSONL {docid,title,text} or DPR TSV, optionally .gz), or a list [base, delta, ...] of a corpus file then delta files, got []",
    ],
    [
      "a number",
      `corpus: 3\n${REST}`,
      "exp.yaml:1: corpus: expected a corpus file (JSONL {docid,title,text} or DPR TSV, optionally .gz), or a list [base, delta, ...] of a corpus file then delta files, got 3",
    ],
    [
      "a base that is not a path",
      `corpus:\n  - { path: c.jsonl }\n  - d.jsonl\n${REST}`,
      'exp.yaml:2: corpus[0]: expected the base corpus file (a path; its format is corpusFormat), got {"path":"c.jsonl"}',
    ],
    [
      "a delta that is a number",
      `corpus:\n  - c.jsonl\n  - 7\n${REST}`,
      'exp.yaml:3: corpus[1]: expected a delta file: a path, { path: FILE, format: FORMAT } (a corpus file whose records replace or add passages and whose { "docid": …, "deleted": true } records delete them), or { deletes: FILE } (docids to delete, one a line), got 7',
    ],
    [
      "a delta with an unknown key",
      `corpus:\n  - c.jsonl\n  - d.jsonl\n  - { path: e.jsonl, fromat: jsonl }\n${REST}`,
      "exp.yaml:4: corpus[2].fromat: unknown key (expected one of: path, format; or deletes alone)",
    ],
    [
      "a delta with an unknown format",
      `corpus:\n  - c.jsonl\n  - path: d.xml\n    format: xml\n${REST}`,
      'exp.yaml:4: corpus[1].format: expected one of "jsonl", "pyserini", "beir", "dpr-tsv", "msmarco-tsv", got "xml"',
    ],
    [
      "a delete list with another key",
      `corpus:\n  - c.jsonl\n  - { deletes: gone.txt, format: jsonl }\n${REST}`,
      'exp.yaml:3: corpus[1]: expected { deletes: FILE } alone (a delete list has no other key), got {"deletes":"gone.txt","format":"jsonl"}',
    ],
    [
      "a delete list that is not a path",
      `corpus:\n  - c.jsonl\n  - deletes: [a, b]\n${REST}`,
      'exp.yaml:3: corpus[1]: expected a file of docids to delete, one a line, got ["a","b"]',
    ],
  ])("rejects %s, naming the file, line and entry", (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });
});
