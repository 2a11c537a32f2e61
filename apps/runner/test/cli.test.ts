import { readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { text } from "node:stream/consumers";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands.js";
import { spawnXqg, xqg } from "./helpers.js";

const pkg = JSON.parse(await readFile(resolve(import.meta.dirname, "../package.json"), "utf8")) as {
  version: string;
};

/** The rows of `xqg <command> --help` as flag → placeholder ("" for a bare flag). */
async function placeholders(command: string): Promise<Map<string, string>> {
  const { code, stdout } = await xqg(command, "--help");
  expect(code).toBe(0);
  const rows = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const m = /^ {2}(--[a-z-]+)(?: ([^ ,]+))?(?: \.\.\.)?(?:, -[a-z])? {2,}\S/.exec(line);
    if (m) rows.set(m[1]!, m[2] ?? "");
  }
  return rows;
}

/** The commands whose work is threaded (ONNX Runtime, the HNSW index, search) and `run`, which has them all. */
const THREADED = ["generate", "encode", "index", "search", "run", "unit", "worker"];
const UNTHREADED = ["fuse", "evaluate", "report", "plan", "clean", "status"];

/** Flags that each command needs, so that --threads is the only thing wrong in the line. */
const MINIMAL: Record<string, string[]> = {
  fuse: ["--passages", "p.npy", "--sums", "s.npy", "--out", "d"],
  evaluate: ["--run", "r.trec", "--queries", "q.jsonl", "--corpus", "c.jsonl", "--out", "e.json"],
  report: ["--baseline", "b.json", "--out", "r"],
  status: ["--queue", "redis://127.0.0.1:1"],
  plan: ["xqg.yaml"],
  clean: ["xqg.yaml"],
};

describe("xqg command line", () => {
  it("lists the commands", async () => {
    const { code, stdout } = await xqg("--help");
    expect(code).toBe(0);
    expect(
      stdout
        .split("\n")
        .slice(3, 16)
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual([
      "generate",
      "encode",
      "fuse",
      "index",
      "search",
      "evaluate",
      "report",
      "run",
      "plan",
      "unit",
      "clean",
      "worker",
      "status",
    ]);
  });

  it.each([["--version"], ["-v"]])("prints its package.json version with %s", async (flag) => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await xqg(flag)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("prints the version as a process, exiting 0", async () => {
    const child = spawnXqg(["--version"]);
    const [stdout, stderr, code] = await Promise.all([
      text(child.stdout),
      text(child.stderr),
      new Promise((done) => child.on("close", done)),
    ]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("lists --version and --help in the top-level help", async () => {
    const { stdout } = await xqg("--help");
    expect(stdout).toContain(
      "\nOptions:\n  --help, -h     this text\n  --version, -v  print the version of xqg\n\nRun `xqg <command> --help` for its flags.\n",
    );
  });

  it("shows what each flag takes: PATH only for paths", async () => {
    const report = await placeholders("report");
    expect(report.get("--baseline")).toBe("PATH");
    expect(report.get("--alpha")).toBe("NUMBER=PATH");
    expect(report.get("--ablation")).toBe("N=PATH");
    expect(report.get("--ablation-alpha")).toBe("NUMBER");
    expect(report.get("--max-p")).toBe("NUMBER");
    expect(report.get("--rounds")).toBe("N");
    expect(report.get("--test")).toBe("NAME");
    const search = await placeholders("search");
    expect(search.get("--tag")).toBe("NAME");
    expect(search.get("--out")).toBe("PATH");
    expect(search.get("--depth")).toBe("N");
    const fuse = await placeholders("fuse");
    expect(fuse.get("--alphas")).toBe("LIST");
    expect(fuse.get("--renormalize")).toBe("");
    const { stdout } = await xqg("report", "--help");
    expect(stdout).toMatch(
      /^ {2}--alpha NUMBER=PATH \.\.\. +evaluation of xQG at α = NUMBER \(repeat for each α\)$/m,
    );
    expect(stdout).toMatch(/^ {2}--ablation-alpha NUMBER +the α of the --ablation evaluations$/m);
    expect((await xqg("search", "--help")).stdout).toMatch(
      /^ {2}--tag NAME +run tag in the TREC file \(default: the output's name\)$/m,
    );
    // every setting shows its kind's placeholder, and PATH is left to the flags that take a path
    for (const [name, command] of Object.entries(COMMANDS)) {
      const rows = await placeholders(name);
      for (const [key, flag] of Object.entries(command.flags.args)) {
        const shown = rows.get(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        expect(shown === "PATH", `${name} ${key}`).toBe(flag.value === undefined && !flag.boolean);
      }
      for (const [flag, shown] of rows) {
        expect(
          ["", "PATH", "N", "NUMBER", "NAME", "LIST", "NUMBER=PATH", "N=PATH", "i/N", "URL", "true|false"],
          `${name} ${flag}`,
        ).toContain(shown);
      }
    }
  });

  it.each(THREADED)("xqg %s takes --threads", async (command) => {
    expect((await placeholders(command)).get("--threads")).toBe("N");
  });

  it.each(UNTHREADED)("xqg %s neither lists nor takes --threads", async (command) => {
    expect((await placeholders(command)).has("--threads")).toBe(false);
    expect((await xqg(command, "--help")).stdout).not.toContain("threads");
    const { code, stdout, stderr } = await xqg(command, ...MINIMAL[command]!, "--threads", "2");
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: "",
      stderr: `xqg: ${command}: unknown option --threads (see xqg ${command} --help)\n`,
    });
  });

  it("covers every command in the --threads tests", () => {
    expect([...THREADED, ...UNTHREADED].sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it("prints each command's flags with their defaults", async () => {
    const { code, stdout } = await xqg("generate", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: xqg generate --corpus FILE --generator DIR --out FILE.jsonl [settings]");
    expect(stdout).toMatch(
      /--per-language N +queries generated per language per passage \(default: 5; 1 with greedy decoding\); an integer in \[1, 100\]/,
    );
    expect(stdout).toMatch(
      /--strategy NAME +decoding strategy \(greedy: one query per language\); one of "sample", "greedy", "beam" \(default: sample\)/,
    );
    expect(stdout).toMatch(/--shard i\/N +process shard i of N/);
  });

  it.each([
    [
      ["frobnicate"],
      2,
      'xqg: unknown command "frobnicate" (expected one of: generate, encode, fuse, index, search, evaluate, report, run, plan, unit, clean, worker, status)',
    ],
    [
      ["generate", "--corpus", "c"],
      2,
      "xqg: generate: --generator is required: seq2seq model directory (Optimum ONNX export) (see xqg generate --help)",
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--per-language", "many"],
      2,
      'xqg: generate: --per-language: expected an integer in [1, 100], got "many"',
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--languages", "ar,xx"],
      2,
      'xqg: generate: --languages: expected a non-empty list of "ar", "bn", "fi", "ja", "ko", "ru", "te", got "ar,xx" (name other languages with --language-names code=Name)',
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--shard", "2/2"],
      2,
      'xqg: generate: --shard: expected i/N with 0 ≤ i < N ≤ 100,000 (e.g. 0/4), got "2/2"',
    ],
    [
      ["fuse", "--passages", "p", "--sums", "s", "--out", "d", "--alphas", "0.1,2"],
      2,
      'xqg: fuse: --alphas: expected a non-empty list of numbers in [0, 1], got "0.1,2"',
    ],
    [
      ["search", "--queries", "q", "--out", "r"],
      2,
      "xqg: search: give exactly one of --index or --embeddings",
    ],
    [
      ["encode", "--out", "x.npy", "--encoder", "e"],
      2,
      "xqg: encode: give exactly one of --corpus, --generated or --queries",
    ],
    [
      ["report", "--baseline", "b.json", "--alpha", "x.json", "--out", "r"],
      2,
      'xqg: report: --alpha: expected NUMBER=PATH with NUMBER in (0, 1] (e.g. 0.01=eval/alpha-0.01.json), got "x.json"',
    ],
    [
      ["report", "--baseline", "b.json", "--ablation", "0=e.json", "--ablation-alpha", "0.5", "--out", "r"],
      2,
      'xqg: report: --ablation: expected N=PATH with N a positive integer (e.g. 2=eval/queries-2.json), got "0=e.json"',
    ],
    [
      ["report", "--baseline", "b.json", "--ablation", "1=e.json", "--ablation-alpha", "1.5", "--out", "r"],
      2,
      'xqg: report: --ablation-alpha: expected a number in (0, 1], got "1.5"',
    ],
    [
      ["report", "--baseline", "b.json", "--ablation", "1=e.json", "--out", "r"],
      2,
      "xqg: report: --ablation needs --ablation-alpha, a number in (0, 1]",
    ],
    [
      ["search", "--index", "i", "--queries", "q", "--out", "r", "--tag", "my run"],
      2,
      'xqg: search: --tag: expected one word (no spaces), got "my run"',
    ],
    [
      ["search", "--index", "", "--queries", "q", "--out", "r"],
      2,
      'xqg: search: --index: expected a path, got ""',
    ],
    [["index", "--bogus"], 2, "xqg: index: unknown option --bogus (see xqg index --help)"],
    [
      ["search", "--index", "i", "--queries", "q", "--out", "r", "--dept", "5"],
      2,
      "xqg: search: unknown option --dept (did you mean --depth?) (see xqg search --help)",
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--shard", "-1/2"],
      2,
      'xqg: generate: --shard: expected i/N with 0 ≤ i < N ≤ 100,000 (e.g. 0/4), got "-1/2" (see xqg generate --help)',
    ],
    [
      ["generate", "--corpus", "c", "--generator", "g", "--out", "o", "--threads", "100000"],
      2,
      `xqg: generate: --threads: 100,000 threads is more than 4 × the ${availableParallelism()} cores of this machine (at most ${4 * availableParallelism()}); use 0 for all cores`,
    ],
    [
      ["evalute"],
      2,
      'xqg: unknown command "evalute" (did you mean evaluate?) (expected one of: generate, encode, fuse, index, search, evaluate, report, run, plan, unit, clean, worker, status)',
    ],
    [["run"], 2, "xqg: run: expected exactly one CONFIG file (see xqg run --help)"],
    [
      ["run", "/nonexistent/xqg.yaml"],
      1,
      "xqg: /nonexistent/xqg.yaml: cannot read the config file (no such file)",
    ],
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
      expect(stderr).toBe(`xqg: ${file}:6: search.depth: expected an integer in [1, 100000], got "lots"\n`);
    });
  });
});
