import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { rankedDocids } from "@xqg/core";
import { readPassages, readQueries, readRun } from "@xqg/corpus";
import { sharedDataDir, sharedSkipReason, withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, TINY_BERT, xqg } from "./helpers.js";

/** The stage commands from corpus and dev queries to `run.trec` (tiny BERT, exact search), by hand. */
async function encodeAndSearch(corpus: string, dev: string, at: (path: string) => string): Promise<void> {
  const common = ["--encoder", TINY_BERT, "--passage-max-length", "64", "--quiet"];
  await xqg("encode", "--corpus", corpus, "--out", at("p.npy"), ...common);
  await xqg("encode", "--queries", dev, "--out", at("q.npy"), ...common);
  await xqg(
    "search",
    "--embeddings",
    at("p.npy"),
    "--queries",
    at("q.npy"),
    "--out",
    at("run.trec"),
    "--quiet",
  );
}

const nltkMissing = sharedSkipReason("nltk");
if (nltkMissing) console.warn(nltkMissing);

describe("xqg index and search --index", () => {
  it("builds an HNSW index and searches it like the exact search, skipping work already done", async () => {
    await withTempDir(async (dir) => {
      const at = (p: string) => join(dir, p);
      const common = ["--encoder", TINY_BERT, "--passage-max-length", "64", "--quiet"];
      expect(
        (await xqg("encode", "--corpus", join(QUICKSTART, "corpus.jsonl"), "--out", at("p.npy"), ...common))
          .code,
      ).toBe(0);
      expect(
        (await xqg("encode", "--queries", join(QUICKSTART, "dev.jsonl"), "--out", at("q.npy"), ...common))
          .code,
      ).toBe(0);
      const built = await xqg(
        "index",
        "--embeddings",
        at("p.npy"),
        "--out",
        at("p.usearch"),
        "--dtype",
        "float32",
        "--threads",
        "1",
      );
      expect(built.stderr).toMatch(/^xqg: index: done in /m);
      const again = await xqg(
        "index",
        "--embeddings",
        at("p.npy"),
        "--out",
        at("p.usearch"),
        "--dtype",
        "float32",
      );
      expect(again.stderr).toMatch(/^xqg: index: up to date/m);
      const renamed = await xqg(
        "index",
        "--embeddings",
        at("p.npy"),
        "--out",
        at("p.usearch"),
        "--dtype",
        "f32",
      );
      expect(renamed.code).not.toBe(0);
      expect(renamed.stderr).toContain('index: --dtype: "f32" was renamed to "float32"');
      const search = (target: string[], out: string) =>
        xqg("search", ...target, "--queries", at("q.npy"), "--out", at(out), "--depth", "10", "--quiet");
      expect((await search(["--index", at("p.usearch")], "hnsw.trec")).code).toBe(0);
      expect((await search(["--embeddings", at("p.npy")], "exact.trec")).code).toBe(0);
      const top1 = async (file: string) =>
        (await readFile(at(file), "utf8"))
          .trim()
          .split("\n")
          .map((l) => l.split(" "))
          .filter((f) => f[3] === "1")
          .map((f) => `${f[0]} ${f[2]}`);
      const hnsw = await top1("hnsw.trec");
      const exact = await top1("exact.trec");
      expect(hnsw).toHaveLength(147);
      // 288 vectors, usearch's default expansion: the graph search finds the true nearest neighbour
      expect(hnsw).toEqual(exact);
      const lines = (await readFile(at("hnsw.trec"), "utf8")).trim().split("\n");
      expect(lines).toHaveLength(1470);
      expect(lines[0]).toMatch(/^ar-001 Q0 qs\d{4} 1 -?\d+(\.\d+)?(e-?\d+)? hnsw$/);
    });
  });
});

describe.skipIf(nltkMissing)("xqg evaluate with NLTK's word_tokenize", () => {
  // A consistency check between two entry points of @xqg/metrics; the independent reference (hits NLTK itself
  // computed) is in rkt-vectors.test.ts.
  it("scores a run as @xqg/metrics scores the same ranking given as an XOR submission", async () => {
    await withTempDir(async (dir) => {
      const at = (p: string) => join(dir, p);
      const corpus = join(QUICKSTART, "corpus.jsonl");
      const dev = join(QUICKSTART, "dev.jsonl");
      const nltk = join(sharedDataDir()!, "nltk");
      await encodeAndSearch(corpus, dev, at);
      const evaluated = await xqg(
        "evaluate",
        "--run",
        at("run.trec"),
        "--queries",
        dev,
        "--corpus",
        corpus,
        "--out",
        at("eval.json"),
        "--nltk-data",
        join(nltk, "punkt_tab"),
        "--quiet",
      );
      expect(evaluated.code).toBe(0);
      const ours = JSON.parse(await readFile(at("eval.json"), "utf8"));
      expect(ours.tokenizer).toBe("nltk");

      // the same ranking as an XOR-Retrieve submission (passage texts in rank order), scored by xqg-eval-xor, which
      // prints what eval_xor_retrieve.py prints
      const texts = new Map<string, string>();
      for await (const p of readPassages(corpus)) texts.set(p.docid, p.text);
      const run = await readRun(at("run.trec"));
      const predictions = [];
      for await (const q of readQueries(dev)) {
        const ranked = rankedDocids(run.get(q.id)!).map((d) => texts.get(d)!);
        predictions.push({ id: q.id, lang: q.lang, ctxs: ranked });
      }
      await writeFile(at("submission.json"), JSON.stringify(predictions));
      const metrics = dirname(createRequire(import.meta.url).resolve("@xqg/metrics/package.json"));
      const args = [
        "--data_file",
        dev,
        "--pred_file",
        at("submission.json"),
        "--nltk_data",
        join(nltk, "punkt_tab"),
      ];
      const bin = join(metrics, "dist", "bin", "xqg-eval-xor.js");
      const official = spawnSync(process.execPath, [bin, ...args, "--json"], { encoding: "utf8" });
      expect(official.stderr).toBe("");
      expect(ours.scores).toEqual(JSON.parse(official.stdout));
      const printed = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" }).stdout;
      for (const lang of ours.languages)
        expect(printed).toContain(`performance on ${lang} (${ours.counts[lang]} examples)`);
    });
  });
});

describe("xqg evaluate with qrels", () => {
  it("computes qrels measures next to R@kt, per language, with the values a hand count gives", async () => {
    await withTempDir(async (dir) => {
      const at = (p: string) => join(dir, p);
      const corpus = join(QUICKSTART, "corpus.jsonl");
      const dev = join(QUICKSTART, "dev.jsonl");
      // relevant = the passages whose text contains an answer
      const passages = [];
      for await (const p of readPassages(corpus)) passages.push(p);
      const qrels: string[] = [];
      for await (const q of readQueries(dev)) {
        for (const p of passages)
          if (q.answers.some((a) => a !== "yes" && p.text.includes(a))) qrels.push(`${q.id} 0 ${p.docid} 1`);
      }
      await writeFile(at("qrels.txt"), `${qrels.join("\n")}\n`);
      await encodeAndSearch(corpus, dev, at);
      const result = await xqg(
        "evaluate",
        "--run",
        at("run.trec"),
        "--queries",
        dev,
        "--corpus",
        corpus,
        "--qrels",
        at("qrels.txt"),
        "--metrics",
        "R@2kt,MRR@10",
        "--tokenizer",
        "treebank",
        "--out",
        at("eval.json"),
        "--quiet",
      );
      expect(result.stderr).toBe("");
      const evaluation = JSON.parse(await readFile(at("eval.json"), "utf8"));
      expect(evaluation.measures).toEqual(["R@2kt", "MRR@10"]);
      // MRR@10 by hand: 1 / rank of the first relevant passage in the top 10
      const relevant = new Set(
        qrels.map((l) =>
          l
            .split(" ")
            .filter((_, i) => i !== 1)
            .slice(0, 2)
            .join(" "),
        ),
      );
      const rr = new Map<string, number>();
      for (const [qid, scores] of await readRun(at("run.trec"))) {
        const rank = rankedDocids(scores).findIndex((docid) => relevant.has(`${qid} ${docid}`)) + 1;
        if (rank > 0 && rank <= 10) rr.set(qid, 1 / rank);
      }
      for (const q of evaluation.perQuery) {
        if ("MRR@10" in q.values) expect(q.values["MRR@10"], q.id).toBe(rr.get(q.id) ?? 0);
      }
      const ja = evaluation.perQuery.filter(
        (q: { lang: string; values: object }) => q.lang === "ja" && "MRR@10" in q.values,
      );
      const mean =
        ja.reduce((s: number, q: { values: Record<string, number> }) => s + q.values["MRR@10"]!, 0) /
        ja.length;
      expect(evaluation.scores["MRR@10"].ja).toBeCloseTo(mean, 12);
      const missing = await xqg(
        "evaluate",
        "--run",
        at("run.trec"),
        "--queries",
        dev,
        "--corpus",
        corpus,
        "--metrics",
        "nDCG@10",
        "--out",
        at("x.json"),
      );
      expect(missing.stderr).toBe('xqg: evaluate: nDCG@10 needs qrels (--qrels, or "qrels" in the config)\n');
      expect(missing.code).toBe(2);
    });
  });
});
