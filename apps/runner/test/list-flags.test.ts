// Repeated list flags accumulate, as in trec_eval's -m and Pyserini's list options: a second --alphas adds to the
// first instead of replacing it; a comma list and repetition mean the same. Usage errors exit 2.

import { settings } from "@xqg/pipeline";
import { describe, expect, it } from "vitest";
import { parseFlags } from "../src/cli/args.js";
import { COMMANDS } from "../src/cli/commands.js";
import { xqg } from "./helpers.js";

const { flagName } = settings;

/** The command's flags parsed from `argv`, with a placeholder path for each required flag it leaves out. */
function flagsOf(command: string, ...argv: string[]) {
  const spec = COMMANDS[command]!.flags;
  const required = Object.entries(spec.args)
    .filter(([name, flag]) => flag.required && !argv.includes(`--${flagName(name)}`))
    .flatMap(([name]) => [`--${flagName(name)}`, "x"]);
  return parseFlags(command, [...required, ...argv], spec);
}

describe("list settings", () => {
  it("--alphas given twice is the union, in order, as one comma list", () => {
    const repeated = flagsOf("fuse", "--alphas", "0", "--alphas", "0.3,0.5");
    expect(repeated.settings["alphas"]).toEqual([0, 0.3, 0.5]);
    expect(flagsOf("fuse", "--alphas", "0,0.3,0.5").settings["alphas"]).toEqual([0, 0.3, 0.5]);
    expect(flagsOf("fuse", "--alphas", "0.5").settings["alphas"]).toEqual([0.5]);
  });

  it("every kind of list: metrics, languages, language names, weights", () => {
    expect(
      flagsOf("evaluate", "--metrics", "R@2kt", "--metrics", "nDCG@10,MRR@10").settings["metrics"],
    ).toEqual(["R@2kt", "nDCG@10", "MRR@10"]);
    expect(flagsOf("generate", "--languages", "ar", "--languages", "ja,te").settings["languages"]).toEqual([
      "ar",
      "ja",
      "te",
    ]);
    expect(
      flagsOf("generate", "--language-names", "ar=Arabic", "--language-names", "sw=Swahili").settings[
        "languageNames"
      ],
    ).toEqual({ ar: "Arabic", sw: "Swahili" });
    expect(flagsOf("fuse", "--weights", "ar=1", "--weights", "ja=0.5").settings["weights"]).toEqual({
      ar: 1,
      ja: 0.5,
    });
  });

  it("a bad item names the whole list given", () => {
    expect(() => flagsOf("fuse", "--alphas", "0", "--alphas", "2")).toThrow(
      'fuse: --alphas: expected a non-empty list of numbers in [0, 1], got "0,2"',
    );
  });

  it("numbers are decimal: 0x10 and padded digits are refused, 1e3 and .5 are read", () => {
    expect(() => flagsOf("generate", "--seed", "0x10")).toThrow(
      'generate: --seed: expected an integer ≥ 0, got "0x10"',
    );
    expect(() => flagsOf("search", "--depth", " 5")).toThrow(
      'search: --depth: expected an integer in [1, 100000], got " 5"',
    );
    expect(flagsOf("search", "--depth", "1e3").settings["depth"]).toBe(1000);
    expect(flagsOf("fuse", "--alphas", ".5,0.25").settings["alphas"]).toEqual([0.5, 0.25]);
    // white space around list items and weights is fine
    expect(flagsOf("fuse", "--alphas", "0, 0.5").settings["alphas"]).toEqual([0, 0.5]);
    expect(flagsOf("fuse", "--weights", "ar= 1, ja =0.5").settings["weights"]).toEqual({ ar: 1, ja: 0.5 });
  });

  it("a single-valued setting given twice keeps the last, as getopt does", () => {
    expect(flagsOf("search", "--depth", "10", "--depth", "20").settings["depth"]).toBe(20);
  });
});

describe("repeatable path flags (report --alpha, --ablation)", () => {
  it("repetition and comma lists give the same evaluations", () => {
    const repeated = flagsOf(
      "report",
      "--baseline",
      "b.json",
      "--out",
      "r",
      "--alpha",
      "0.3=a.json",
      "--alpha",
      "0.5=c.json",
    );
    const listed = flagsOf(
      "report",
      "--baseline",
      "b.json",
      "--out",
      "r",
      "--alpha",
      "0.3=a.json,0.5=c.json",
    );
    expect(repeated.args["alpha"]).toEqual(["0.3=a.json", "0.5=c.json"]);
    expect(listed.args["alpha"]).toEqual(repeated.args["alpha"]);
    expect(
      flagsOf(
        "report",
        "--baseline",
        "b",
        "--out",
        "r",
        "--ablation",
        "1=q1.json,2=q2.json",
        "--ablation",
        "4=q4.json",
      ).args["ablation"],
    ).toEqual(["1=q1.json", "2=q2.json", "4=q4.json"]);
  });

  it("a comma inside a path stays in the path", () => {
    const flags = flagsOf(
      "report",
      "--baseline",
      "b",
      "--out",
      "r",
      "--alpha",
      "0.5=runs/a,b.json,0.1=c,d.json",
    );
    expect(flags.args["alpha"]).toEqual(["0.5=runs/a,b.json", "0.1=c,d.json"]);
  });
});

describe("usage errors exit 2", () => {
  it.each([
    [[], "Commands:"],
    [["nope"], 'xqg: unknown command "nope"'],
    [
      ["generate", "--corpus", "c.jsonl", "--generator", "g", "--out", "o.jsonl", "stray"],
      'unexpected argument "stray"',
    ],
    [
      ["fuse", "--passages", "p.npy", "--sums", "s.npy", "--out", "o", "--alphas", "0", "--alphas", "x"],
      "fuse: --alphas: expected",
    ],
    [["search", "--depth"], "search: --depth: expected a value"],
    [["run"], "run: expected exactly one CONFIG file"],
    [
      ["evaluate", "--run", "/nonexistent", "--metrics", "nDCG@1e9"],
      'evaluate: --metrics[0]: unexpected character at position 6 of "nDCG@1e9"\n',
    ],
    [
      ["report", "--baseline", "b", "--out", "r", "--alpha", "2=x.json"],
      "report: --alpha: expected NUMBER=PATH",
    ],
  ])("xqg %j", async (argv, said) => {
    const { code, stderr } = await xqg(...(argv as string[]));
    expect(code).toBe(2);
    expect(stderr).toContain(said);
    expect(stderr.trimEnd().split("\n")).toHaveLength(
      argv.length === 0 ? stderr.trimEnd().split("\n").length : 1,
    );
  });
});
