import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands.js";
import { QUICKSTART, snapshot, TINY_BERT, TINY_MT5, writeTestConfig, xqg } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xqg-hand-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ok(...argv: string[]): Promise<string> {
  // one thread where the command takes --threads (the others reject it), for reproducible outputs
  const threads = COMMANDS[argv[0]!]!.flags.threads === undefined ? [] : ["--threads", "1"];
  const result = await xqg(...argv, "--quiet", ...threads);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
}

describe("the stage commands by hand", () => {
  it("give the same runs, evaluations and report as xqg run", async () => {
    const corpus = join(QUICKSTART, "corpus.jsonl");
    const queries = join(QUICKSTART, "dev.jsonl");
    const h = (p: string) => join(dir, "hand", p);
    // generate in two shards, as two workers would, then concatenate in shard order
    for (const shard of ["0/2", "1/2"]) {
      const part = h(`generated.${shard.replace("/", "-of-")}.jsonl`);
      await ok(
        "generate",
        "--corpus",
        corpus,
        "--generator",
        TINY_MT5,
        "--out",
        part,
        "--shard",
        shard,
        "--languages",
        "ar,ja,te",
        "--per-language",
        "2",
        "--max-length",
        "12",
        "--seed",
        "7",
      );
    }
    const parts = await Promise.all(
      ["0-of-2", "1-of-2"].map((s) => readFile(h(`generated.${s}.jsonl`), "utf8")),
    );
    const { writeFile, mkdir } = await import("node:fs/promises");
    await mkdir(h(""), { recursive: true });
    await writeFile(h("generated.jsonl"), parts.join(""));

    await ok(
      "encode",
      "--corpus",
      corpus,
      "--encoder",
      TINY_BERT,
      "--out",
      h("passages.npy"),
      "--passage-max-length",
      "64",
    );
    await ok("encode", "--generated", h("generated.jsonl"), "--encoder", TINY_BERT, "--out", h("sums.npy"));
    await ok("encode", "--queries", queries, "--encoder", TINY_BERT, "--out", h("queries.npy"));
    await ok(
      "fuse",
      "--passages",
      h("passages.npy"),
      "--sums",
      h("sums.npy"),
      "--alphas",
      "0.1,0.5",
      "--out",
      h("fused"),
    );
    for (const limit of ["1", "2"]) {
      await ok(
        "encode",
        "--generated",
        h("generated.jsonl"),
        "--encoder",
        TINY_BERT,
        "--out",
        h(`sums.first-${limit}.npy`),
        "--limit",
        limit,
      );
      await ok(
        "fuse",
        "--passages",
        h("passages.npy"),
        "--sums",
        h(`sums.first-${limit}.npy`),
        "--alphas",
        "0.5",
        "--out",
        h(`fused-first-${limit}`),
      );
    }
    const systems: Array<[string, string]> = [
      ["baseline", h("passages.npy")],
      ["alpha-0.1", h("fused/alpha-0.1.npy")],
      ["alpha-0.5", h("fused/alpha-0.5.npy")],
      ["first-1-alpha-0.5", h("fused-first-1/alpha-0.5.npy")],
      ["first-2-alpha-0.5", h("fused-first-2/alpha-0.5.npy")],
    ];
    for (const [name, embeddings] of systems) {
      await ok(
        "search",
        "--embeddings",
        embeddings,
        "--queries",
        h("queries.npy"),
        "--out",
        h(`runs/${name}.trec`),
        "--tag",
        `xqg-${name}`,
      );
      await ok(
        "evaluate",
        "--run",
        h(`runs/${name}.trec`),
        "--queries",
        queries,
        "--corpus",
        corpus,
        "--out",
        h(`eval/${name}.json`),
        "--tokenizer",
        "treebank",
      );
    }
    const table = await ok(
      "report",
      "--baseline",
      h("eval/baseline.json"),
      "--alpha",
      `0.1=${h("eval/alpha-0.1.json")}`,
      "--alpha",
      `0.5=${h("eval/alpha-0.5.json")}`,
      "--ablation",
      `1=${h("eval/first-1-alpha-0.5.json")}`,
      "--ablation",
      `2=${h("eval/first-2-alpha-0.5.json")}`,
      "--ablation-alpha",
      "0.5",
      "--out",
      h("report"),
    );

    const config = await writeTestConfig(join(dir));
    const run = await xqg("run", config, "--quiet");
    expect(run.code).toBe(0);
    expect(table).toBe(run.stdout);
    const auto = await snapshot(join(dir, "out"));
    const hand = await snapshot(h(""));
    expect(hand.get("generated.jsonl")).toEqual(auto.get("generated/queries.jsonl"));
    for (const file of ["passages.npy", "passages.ids", "sums.npy", "queries.npy"]) {
      expect(hand.get(file)).toEqual(auto.get(`embeddings/${file}`));
    }
    for (const [name] of systems) {
      // an ablation point that keeps every generated query is the full system: xqg run reuses its run, and the
      // hand-made one must be that run byte for byte
      const same = auto.has(`runs/${name}.trec`) ? name : name.replace(/^first-\d+-/, "");
      if (same !== name) expect(name).toBe("first-2-alpha-0.5");
      // (the TREC tag names the system: xqg-first-2-alpha-0.5 by hand, xqg-alpha-0.5 in the reused run)
      const handRun = hand
        .get(`runs/${name}.trec`)!
        .toString("utf8")
        .replaceAll(`xqg-${name}\n`, `xqg-${same}\n`);
      expect(handRun).toEqual(auto.get(`runs/${same}.trec`)!.toString("utf8"));
      expect(hand.get(`eval/${name}.json`)).toEqual(auto.get(`eval/${same}.json`));
    }
    for (const file of [
      "report.md",
      "report.json",
      "r2kt-vs-alpha.svg",
      "r5kt-vs-queries-per-language.svg",
    ]) {
      expect(hand.get(`report/${file}`)).toEqual(auto.get(`report/${file}`));
    }
  });
});
