import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { xqg } from "./helpers.js";

describe("xqg command line", () => {
  it("lists the commands", async () => {
    const { code, stdout } = await xqg("--help");
    expect(code).toBe(0);
    expect(
      stdout
        .split("\n")
        .slice(3, 11)
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(["generate", "encode", "fuse", "index", "search", "evaluate", "report", "run"]);
  });

  it("prints each command's flags with their defaults", async () => {
    const { code, stdout } = await xqg("generate", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: xqg generate --corpus FILE --generator DIR --out FILE.jsonl [settings]");
    expect(stdout).toMatch(
      /--per-language VALUE +queries generated per language per passage \(default: 5; 1 with greedy decoding\); a positive integer/,
    );
    expect(stdout).toMatch(
      /--strategy VALUE +decoding strategy \(greedy: one query per language\); one of "sample", "greedy", "beam" \(default: sample\)/,
    );
    expect(stdout).toMatch(/--shard i\/N +process shard i of N/);
  });

  it.each([
    [
      ["frobnicate"],
      2,
      'xqg: unknown command "frobnicate" (expected one of: generate, encode, fuse, index, search, evaluate, report, run)',
    ],
    [
      ["generate", "--corpus", "c"],
      1,
      "xqg: generate: --generator is required: seq2seq model directory (Optimum ONNX export) (see xqg generate --help)",
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--per-language", "many"],
      1,
      'xqg: generate: --per-language: expected a positive integer, got "many"',
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--languages", "ar,xx"],
      1,
      'xqg: generate: --languages: expected a non-empty list of "ar", "bn", "fi", "ja", "ko", "ru", "te", got "ar,xx"',
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--shard", "2/2"],
      1,
      'xqg: --shard: expected i/N with 0 ≤ i < N (e.g. 0/4), got "2/2"',
    ],
    [
      ["fuse", "--passages", "p", "--sums", "s", "--out", "d", "--alphas", "0.1,2"],
      1,
      'xqg: fuse: --alphas: expected a non-empty list of numbers in [0, 1], got "0.1,2"',
    ],
    [
      ["search", "--queries", "q", "--out", "r"],
      1,
      "xqg: search: give exactly one of --index or --embeddings",
    ],
    [
      ["encode", "--out", "x.npy", "--encoder", "e"],
      1,
      "xqg: encode: give exactly one of --corpus, --generated or --queries",
    ],
    [
      ["report", "--baseline", "b.json", "--alpha", "x.json", "--out", "r"],
      1,
      'xqg: report: --alpha: expected VALUE=FILE (e.g. --alpha 0.01=eval/alpha-0.01.json), got "x.json"',
    ],
    [["index", "--bogus"], 1, "xqg: index: Unknown option '--bogus' (see xqg index --help)"],
    [["run"], 1, "xqg: run: expected exactly one CONFIG file (see xqg run --help)"],
    [["run", "/nonexistent/xqg.yaml"], 1, "xqg: /nonexistent/xqg.yaml: cannot read the config file"],
  ])("xqg %j fails with one clear line", async (argv, exit, message) => {
    const { code, stderr } = await xqg(...argv);
    expect(code).toBe(exit);
    expect(stderr).toBe(`${message}\n`);
  });

  it("reports a bad config through xqg run without a stack trace", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "bad.yaml");
      await writeFile(
        file,
        "corpus: c.jsonl\nqueries: q.jsonl\nencoder: e\ngenerator: g\nsearch:\n  depth: lots\n",
      );
      const { code, stderr } = await xqg("run", file);
      expect(code).toBe(1);
      expect(stderr).toBe(`xqg: ${file}:6: search.depth: expected a positive integer, got "lots"\n`);
    });
  });
});
