// The plan tested as data, in process and in milliseconds: the keys, stages and dependencies of the units of
// the quickstart, of shards, of search ranges, of the ablation and of a run on released queries.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../src/config.js";
import { planUnits } from "../src/plan.js";
import { planDigest } from "../src/units.js";

const QUICKSTART = join(import.meta.dirname, "../../../examples/quickstart");

const BASE = "corpus: c.jsonl\nqueries: q.jsonl\nencoder: enc\ngenerator: gen\nfuse: { alphas: [0, 0.5] }\n";
const planOf = (extra = "") => planUnits(parseConfig(`${BASE}${extra}`, "exp.yaml", "/work/exp/exp.yaml"));
const shape = (extra = "") => planOf(extra).units.map((u) => [u.key, u.stage, u.deps.join(" ")].join(" | "));

describe("the plan as data", () => {
  it("is plain JSON: it survives a round trip, and equal configs give equal digests", async () => {
    const config = await loadConfig(join(QUICKSTART, "xqg.yaml"));
    const plan = planUnits(config);
    const copy = JSON.parse(JSON.stringify(plan.units));
    expect(copy).toEqual(plan.units);
    expect(planDigest(copy)).toBe(
      planDigest(planUnits(await loadConfig(join(QUICKSTART, "xqg.yaml"))).units),
    );
    expect(planDigest(planOf().units)).not.toBe(planDigest(planOf("search: { depth: 50 }\n").units));
  });

  it("of the quickstart: every unit, in order, with its dependencies", async () => {
    const plan = planUnits(await loadConfig(join(QUICKSTART, "xqg.yaml")));
    expect(plan.units.map((u) => `${u.key} <- ${u.deps.join(" ")}`)).toEqual([
      "generate <- ",
      "encode-passages <- ",
      "encode-generated <- generate",
      "encode-generated.first-1 <- generate",
      "encode-generated.first-2 <- generate",
      "encode-queries <- ",
      "fuse <- encode-passages encode-generated",
      "fuse.first-1-alpha-0.3 <- encode-passages encode-generated.first-1",
      "fuse.first-2-alpha-0.3 <- encode-passages encode-generated.first-2",
      "search.baseline <- encode-passages encode-queries",
      "search.alpha-0.01 <- fuse encode-queries",
      "search.alpha-0.1 <- fuse encode-queries",
      "search.alpha-0.3 <- fuse encode-queries",
      "search.first-1-alpha-0.3 <- fuse.first-1-alpha-0.3 encode-queries",
      "search.first-2-alpha-0.3 <- fuse.first-2-alpha-0.3 encode-queries",
      "passage-texts <- search.baseline search.alpha-0.01 search.alpha-0.1 search.alpha-0.3 search.first-1-alpha-0.3 search.first-2-alpha-0.3",
      "evaluate.baseline <- search.baseline passage-texts",
      "evaluate.alpha-0.01 <- search.alpha-0.01 passage-texts",
      "evaluate.alpha-0.1 <- search.alpha-0.1 passage-texts",
      "evaluate.alpha-0.3 <- search.alpha-0.3 passage-texts",
      "evaluate.first-1-alpha-0.3 <- search.first-1-alpha-0.3 passage-texts",
      "evaluate.first-2-alpha-0.3 <- search.first-2-alpha-0.3 passage-texts",
      "report <- evaluate.baseline evaluate.alpha-0.01 evaluate.alpha-0.1 evaluate.alpha-0.3 evaluate.first-1-alpha-0.3 evaluate.first-2-alpha-0.3",
    ]);
  });

  it("with shards: generation, passages and Σq per shard, then merges", () => {
    expect(shape("shards: 2\n")).toEqual([
      "generate.shard-0-of-2 | generate | ",
      "encode-passages.shard-0-of-2 | encode-passages | ",
      "encode-generated.shard-0-of-2 | encode-generated | generate.shard-0-of-2",
      "generate.shard-1-of-2 | generate | ",
      "encode-passages.shard-1-of-2 | encode-passages | ",
      "encode-generated.shard-1-of-2 | encode-generated | generate.shard-1-of-2",
      "merge-passages | merge-passages | encode-passages.shard-0-of-2 encode-passages.shard-1-of-2",
      "merge-sums | merge-sums | encode-generated.shard-0-of-2 encode-generated.shard-1-of-2",
      "encode-queries | encode-queries | ",
      "fuse | fuse | merge-passages merge-sums",
      "search.baseline | search | merge-passages encode-queries",
      "search.alpha-0.5 | search | fuse encode-queries",
      "passage-texts | passage-texts | search.baseline search.alpha-0.5",
      "evaluate.baseline | evaluate | search.baseline passage-texts",
      "evaluate.alpha-0.5 | evaluate | search.alpha-0.5 passage-texts",
      "report | report | evaluate.baseline evaluate.alpha-0.5",
    ]);
  });

  it("with shards and mergeGenerated: also one merged file of generated queries, which no unit reads", () => {
    const keys = shape("shards: 2\nmergeGenerated: true\n");
    expect(keys).toContain("merge-generated | merge-generated | generate.shard-0-of-2 generate.shard-1-of-2");
    expect(keys.filter((k) => k.split(" | ")[2]!.includes("merge-generated"))).toEqual([]);
    expect(shape("shards: 2\n").some((k) => k.startsWith("merge-generated"))).toBe(false);
  });

  it("evaluation reads the corpus once: one passage-texts unit, and none without R@kt", () => {
    const units = planOf().units;
    const texts = units.find((u) => u.key === "passage-texts")!;
    expect(texts.work.args[0]).toMatchObject({
      corpus: "/work/exp/c.jsonl",
      outs: {
        baseline: "/work/exp/out/texts/baseline.jsonl",
        "alpha-0.5": "/work/exp/out/texts/alpha-0.5.jsonl",
      },
    });
    for (const u of units.filter((u) => u.stage === "evaluate"))
      expect(u.work.args[0]).toMatchObject({
        corpus: `/work/exp/out/texts/${u.key.slice("evaluate.".length)}.jsonl`,
      });
    const qrelsOnly = planOf("qrels: q.trec\nevaluate: { metrics: [nDCG@10] }\n").units;
    expect(qrelsOnly.some((u) => u.key === "passage-texts")).toBe(false);
    for (const u of qrelsOnly.filter((u) => u.stage === "evaluate"))
      expect(u.work.args[0]).not.toHaveProperty("corpus");
  });

  it("with shards i/N: one worker's shard only", () => {
    expect(shape('shards: "1/2"\n')).toEqual([
      "generate.shard-1-of-2 | generate | ",
      "encode-passages.shard-1-of-2 | encode-passages | ",
      "encode-generated.shard-1-of-2 | encode-generated | generate.shard-1-of-2",
    ]);
    expect(planOf('shards: "1/2"\n').ends).toBe("shard-done");
  });

  it("with search ranges: a unit per row range and a merge", () => {
    const keys = shape("searchRanges: 2\n").filter((k) => k.startsWith("search.baseline"));
    expect(keys).toEqual([
      "search.baseline.rows-0-of-2 | search | encode-passages encode-queries",
      "search.baseline.rows-1-of-2 | search | encode-passages encode-queries",
      "search.baseline | merge-search | search.baseline.rows-0-of-2 search.baseline.rows-1-of-2",
    ]);
  });

  it("with HNSW: an index unit per system before its search", () => {
    const keys = shape("index: { type: hnsw }\n").filter((k) => /^(index|search)\.baseline/.test(k));
    expect(keys).toEqual([
      "index.baseline | index | encode-passages",
      "search.baseline | search | index.baseline encode-queries",
    ]);
  });

  it("on released queries: no generation, Σq from the file", () => {
    const keys = shape("generated: g.jsonl\n");
    expect(keys.slice(0, 3)).toEqual([
      "encode-passages | encode-passages | ",
      "encode-generated | encode-generated | ",
      "encode-queries | encode-queries | ",
    ]);
    expect(keys.some((k) => k.startsWith("generate"))).toBe(false);
  });
});

describe("a corpus with delta files", () => {
  const REST = BASE.replace("corpus: c.jsonl\n", "");
  const planWith = (extra = "") =>
    planUnits(
      parseConfig(
        `corpus: [c.tsv, d.jsonl, { deletes: gone.txt }]\ncorpusFormat: dpr-tsv\n${REST}${extra}`,
        "exp.yaml",
        "/work/exp/exp.yaml",
      ),
    );

  it("one unit writes the effective corpus first; every unit that reads the corpus reads it, as JSONL", () => {
    const units = planWith("shards: 2\nsearchRanges: 1\n").units;
    expect(units[0]).toMatchObject({
      key: "corpus",
      stage: "corpus",
      deps: [],
      manifest: "/work/exp/out/manifests/corpus.json",
      work: {
        kind: "corpus",
        args: [
          {
            base: "/work/exp/c.tsv",
            deltas: ["/work/exp/d.jsonl", { deletes: "/work/exp/gone.txt" }],
            out: "/work/exp/out/corpus/corpus.jsonl",
            deleted: "/work/exp/out/corpus/deleted.txt",
          },
          { corpusFormat: "dpr-tsv" },
        ],
      },
    });
    const readers = units.filter((u) => ["generate", "encode-passages", "passage-texts"].includes(u.stage));
    expect(readers.map((u) => u.key)).toEqual([
      "generate.shard-0-of-2",
      "encode-passages.shard-0-of-2",
      "generate.shard-1-of-2",
      "encode-passages.shard-1-of-2",
      "passage-texts",
    ]);
    for (const u of readers) {
      expect(u.deps).toContain("corpus");
      expect(u.work.args[0]).toMatchObject({ corpus: "/work/exp/out/corpus/corpus.jsonl" });
      // told from its content, as a base file with no corpusFormat is: the settings a run on the base recorded
      expect(u.work.args.at(u.stage === "passage-texts" ? 1 : -2)).not.toHaveProperty("corpusFormat");
    }
    const report = units.find((u) => u.key === "report")!;
    expect(report.work.args[0]).toMatchObject({
      deletedPassages: "/work/exp/out/corpus/deleted.txt",
      provenance: {
        corpus: "/work/exp/out/corpus/corpus.jsonl",
        corpusOptions: {},
        corpusSources: ["/work/exp/c.tsv", "/work/exp/d.jsonl", "/work/exp/gone.txt"],
      },
    });
  });

  it("a worker's shard writes it too (the first to come; the others find it done)", () => {
    expect(planWith('shards: "1/2"\n').units.map((u) => `${u.key} <- ${u.deps.join(" ")}`)).toEqual([
      "corpus <- ",
      "generate.shard-1-of-2 <- corpus",
      "encode-passages.shard-1-of-2 <- corpus",
      "encode-generated.shard-1-of-2 <- generate.shard-1-of-2",
    ]);
  });

  it("without deltas the plan has no corpus unit and reads the corpus file itself", () => {
    expect(planOf().units.some((u) => u.stage === "corpus")).toBe(false);
    expect(planOf().units.find((u) => u.key === "report")!.work.args[0]).not.toHaveProperty("passageIds");
    // with qrels, the report checks the judged passages against the passages searched
    const report = planOf("qrels: q.trec\n").units.find((u) => u.key === "report")!;
    expect(report.work.args[0]).toMatchObject({ passageIds: "/work/exp/out/embeddings/passages.ids" });
    expect(report.work.args[0]).not.toHaveProperty("deletedPassages");
  });
});
