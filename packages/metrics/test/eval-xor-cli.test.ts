import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { runEvalXor } from "../src/cli/eval-xor.js";
import { nltkSkip, punktDir } from "./helpers.js";

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runEvalXor(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const DATA = [
  { id: "a1", lang: "ar", answers: ["dog"] },
  { id: "a2", lang: "ar", answers: ["Peter's"] },
  { id: "a3", lang: "ar", answers: ["barked"] },
  { id: "b1", lang: "bn", answers: ["yes"] },
  { id: "b2", lang: "bn", answers: ["cat"] },
];
const PRED = [
  { id: "x0", lang: "te", ctxs: ["not in the data file"] },
  { id: "b1", lang: "bn", ctxs: [] },
  { id: "b2", lang: "bn", ctxs: ["The cat sat."] },
  { id: "a1", lang: "ar", ctxs: ["Peter's dog barked.", "The cat sat."] },
  { id: "a2", lang: "ar", ctxs: ["Peter's dog barked."] },
  { id: "a3", lang: "ar", ctxs: [] },
];

async function withFiles<T>(fn: (data: string, pred: string, dir: string) => T): Promise<T> {
  return withTempDir(async (dir) => {
    const data = join(dir, "answers.jsonl");
    const pred = join(dir, "submission.json");
    writeFileSync(data, DATA.map((d) => JSON.stringify(d)).join("\n") + "\n");
    writeFileSync(pred, JSON.stringify(PRED));
    return fn(data, pred, dir);
  });
}

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as {
  version: string;
};
const bin = join(import.meta.dirname, "..", "src", "bin", "xqg-eval-xor.ts");
const exec = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", bin, ...args], { encoding: "utf8", timeout: 60_000 });

describe("xqg-eval-xor basics", () => {
  it.each([["--version"], ["-v"]])("prints @xqg/metrics' package.json version with %s", (flag) => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run([flag])).toEqual({ code: 0, out: [pkg.version], err: [] });
  });

  it("prints the version as a process, exiting 0", () => {
    const r = exec(["--version"]);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 0,
      stdout: `${pkg.version}\n`,
      stderr: "",
    });
  });

  it("lists every option with what it takes", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      [
        "usage: xqg-eval-xor --data_file ANSWERS.jsonl --pred_file SUBMISSION.json [--json] [--ks 2,5] [--nltk_data DIR]",
        "",
        "XOR-Retrieve R@kt (same numbers as the official eval_xor_retrieve.py).",
        '  --data_file PATH   XOR-TyDi JSON lines with "id" and "answers"',
        '  --pred_file PATH   JSON array of {"id", "lang", "ctxs": [passage text, ...]}',
        '  --json             print {"R@2kt": {"<lang>": score, ..., "avg": score}, ...} (scores 0–1)',
        "  --ks LIST          comma-separated k values in thousands of tokens (default 2,5)",
        "  --nltk_data PATH   folder with NLTK's punkt_tab English files (default: $NLTK_DATA, ~/nltk_data, ...)",
        "  --max_token_num N  accepted and ignored, as by the official script",
        "  --version, -v      print the version of @xqg/metrics",
        "  --help, -h         this text",
      ].join("\n"),
    ]);
    expect(run(["-h"])).toEqual(r);
  });

  it("rejects unknown options and values on bare flags with the usage", () => {
    const bogus = run(["--bogus"]);
    expect(bogus.code).toBe(2);
    expect(bogus.err[0]).toMatch(/^xqg-eval-xor: unknown argument "--bogus"\nusage: /);
    const valued = run(["--json=yes"]);
    expect(valued.code).toBe(2);
    expect(valued.err[0]).toMatch(/^xqg-eval-xor: --json takes no value\nusage: /);
  });
});

describe.skipIf(nltkSkip)("xqg-eval-xor", () => {
  const nltk = ["--nltk_data", punktDir()];

  it("prints what the official script prints", async () => {
    await withFiles((data, pred) => {
      const r = run(["--data_file", data, "--pred_file", pred, ...nltk]);
      expect(r.code).toBe(0);
      // every passage is within both budgets, so R@2kt and R@5kt print the same block
      const block = (k: number) => [
        `Evaluating R@${k}kt`,
        "performance on bn (1 examples)",
        "100.0",
        "performance on ar (3 examples)",
        "33.33333333333333",
        "Final macro averaged score: ",
        "66.66666666666666",
      ];
      expect(r.out).toEqual([`loading examples from ${data}`, ...block(2), ...block(5)]);
    });
  });

  it("prints JSON (scores 0–1) with --json and other k with --ks", async () => {
    await withFiles((data, pred) => {
      const r = run([`--data_file=${data}`, `--pred_file=${pred}`, "--json", "--ks", "0.003", ...nltk]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out.join("\n"))).toEqual({
        "R@0.003kt": { bn: 1, ar: 1 / 3, avg: 0.6666666666666666 },
      });
    });
  });

  it("reports bad input with file, line and field, without a stack trace", async () => {
    await withFiles((data, pred, dir) => {
      const bad = join(dir, "bad.jsonl");
      writeFileSync(bad, '{"id": "a1", "answers": ["x"]}\n{"id": "a2", "answers": "x"}\n');
      expect(run(["--data_file", bad, "--pred_file", pred, ...nltk])).toEqual({
        code: 1,
        out: [`loading examples from ${bad}`],
        err: [`xqg-eval-xor: ${bad}:2: answers: expected an array of strings`],
      });
      writeFileSync(bad, '{"id": "a1", "answers": ["x"]}\n{"id": \n');
      expect(run(["--data_file", bad, "--pred_file", pred, ...nltk]).err[0]).toMatch(
        `${bad}:2: invalid JSON`,
      );
      const badPred = join(dir, "bad.json");
      writeFileSync(badPred, JSON.stringify([{ id: "a1", lang: "ar", ctxs: [{ text: "x" }] }]));
      expect(run(["--data_file", data, "--pred_file", badPred, ...nltk]).err).toEqual([
        `xqg-eval-xor: ${badPred}:1: field "ctxs[]" must be a string, got object`,
      ]);
      expect(run(["--data_file", join(dir, "nope.jsonl"), "--pred_file", pred, ...nltk]).err).toEqual([
        `xqg-eval-xor: ${join(dir, "nope.jsonl")}: file not found`,
      ]);
      expect(run(["--data_file", data, "--pred_file", pred, "--nltk_data", dir]).err[0]).toMatch(
        /python -m nltk\.downloader punkt_tab/,
      );
      const usage = run(["--data_file", data]);
      expect(usage.code).toBe(2);
      expect(usage.err[0]).toMatch(/^xqg-eval-xor: --data_file and --pred_file are required\nusage: /);
    });
  });

  it("runs as a process: exit codes, stdout, and a one-line error without a stack trace", async () => {
    await withFiles((data, pred, dir) => {
      const ok = exec(["--data_file", data, "--pred_file", pred, "--json", ...nltk]);
      expect(ok.status).toBe(0);
      expect(JSON.parse(ok.stdout)["R@5kt"]).toEqual({ bn: 1, ar: 1 / 3, avg: 0.6666666666666666 });
      const bad = join(dir, "bad.jsonl");
      writeFileSync(bad, "{}\n");
      const failed = exec(["--data_file", bad, "--pred_file", pred, ...nltk]);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toBe(`xqg-eval-xor: ${bad}:1: id: expected a string\n`);
    });
  });
});
