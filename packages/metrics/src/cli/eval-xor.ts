import { readFileSync } from "node:fs";
import { isXqgError } from "@xqg/core";
import { MetricsError } from "../errors.js";
import { createWordTokenizer } from "../tokenize/word-tokenize.js";
import {
  evaluateXorSubmission,
  readXorAnswers,
  readXorPredictions,
  type XorSubmissionResult,
  xorScores,
} from "../xor/submission.js";
import { TokenCache } from "../xor/token-cache.js";
import { pyFloat } from "./py-float.js";

/** Every option: its names, the placeholder of its value (none: a bare flag) and its help. */
const OPTIONS: ReadonlyArray<{ names: readonly string[]; value?: string; help: string }> = [
  { names: ["--data_file"], value: "PATH", help: 'XOR-TyDi JSON lines with "id" and "answers"' },
  {
    names: ["--pred_file"],
    value: "PATH",
    help: 'JSON array of {"id", "lang", "ctxs": [passage text, ...]}',
  },
  { names: ["--json"], help: 'print {"R@2kt": {"<lang>": score, ..., "avg": score}, ...} (scores 0–1)' },
  { names: ["--ks"], value: "LIST", help: "comma-separated k values in thousands of tokens (default 2,5)" },
  {
    names: ["--nltk_data"],
    value: "PATH",
    help: "folder with NLTK's punkt_tab English files (default: $NLTK_DATA, ~/nltk_data, ...)",
  },
  { names: ["--max_token_num"], value: "N", help: "accepted and ignored, as by the official script" },
  { names: ["--version", "-v"], help: "print the version of @xqg/metrics" },
  { names: ["--help", "-h"], help: "this text" },
];

const USAGE = (() => {
  const rows = OPTIONS.map((o) => [o.names.join(", ") + (o.value ? ` ${o.value}` : ""), o.help] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    "usage: xqg-eval-xor --data_file ANSWERS.jsonl --pred_file SUBMISSION.json [--json] [--ks 2,5] [--nltk_data DIR]",
    "",
    "XOR-Retrieve R@kt (same numbers as the official eval_xor_retrieve.py).",
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`),
  ].join("\n");
})();

/** The `version` of @xqg/metrics' package.json (src/cli/ and dist/cli/ are both two levels down). */
function version(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

export interface EvalXorIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Wrong command-line arguments: the message, then the usage (exit code 2). */
class UsageError extends MetricsError {
  constructor(message: string) {
    super(message, { code: "usage" });
    this.name = "UsageError";
  }
}

/** The options given, by their first name (`-h` → `--help`), with their values ("" for a bare flag). */
function parseArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const option = OPTIONS.find((o) => o.names.includes(name));
    if (!option) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    if (option.value === undefined) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      out.set(option.names[0]!, "");
    } else {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      out.set(option.names[0]!, value);
    }
  }
  return out;
}

function parseKs(text: string): number[] {
  const ks = text.split(",").map((s) => Number(s.trim()));
  if (ks.length === 0 || ks.some((k) => !Number.isFinite(k) || k < 0 || String(k) === "")) {
    throw new UsageError(`--ks expects comma-separated non-negative numbers, got ${JSON.stringify(text)}`);
  }
  return ks;
}

/** The official script's printout, one line per print() call. */
export function formatOfficial(result: XorSubmissionResult): string[] {
  const scores = xorScores(result, 100);
  const lines: string[] = [];
  for (const m of result.measures) {
    lines.push(`Evaluating ${m}`);
    for (const lang of result.languages) {
      lines.push(`performance on ${lang} (${result.counts[lang]} examples)`);
      lines.push(pyFloat(scores[m]![lang]!));
    }
    lines.push("Final macro averaged score: ");
    lines.push(pyFloat(scores[m]!["avg"]!));
  }
  return lines;
}

/** Runs the CLI; returns the exit code (0 ok, 1 input problem, 2 usage). */
export function runEvalXor(argv: readonly string[], io: EvalXorIo): number {
  try {
    const args = parseArgs(argv);
    if (args.has("--help")) {
      io.out(USAGE);
      return 0;
    }
    if (args.has("--version")) {
      io.out(version());
      return 0;
    }
    const dataFile = args.get("--data_file");
    const predFile = args.get("--pred_file");
    if (!dataFile || !predFile) throw new UsageError("--data_file and --pred_file are required");
    const ks = parseKs(args.get("--ks") ?? "2,5");
    const nltkData = args.get("--nltk_data");
    const tokenize = createWordTokenizer(nltkData === undefined ? {} : { path: nltkData });
    const json = args.has("--json");
    if (!json) io.out(`loading examples from ${dataFile}`);
    const answers = readXorAnswers(dataFile);
    const predictions = readXorPredictions(predFile);
    const result = evaluateXorSubmission(answers, predictions, ks, { cache: new TokenCache(tokenize) });
    if (result.languages.length === 0) {
      throw new MetricsError(`no prediction has an id with span answers in ${dataFile}`, {
        code: "bad-value",
        file: predFile,
      });
    }
    if (json) io.out(JSON.stringify(xorScores(result, 1), null, 2));
    else for (const line of formatOfficial(result)) io.out(line);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`xqg-eval-xor: ${e.message}\n${USAGE}`);
      return 2;
    }
    // Bad input files, missing Punkt data: every @xqg error is the user's to fix, so one line, no stack.
    if (isXqgError(e)) {
      io.err(`xqg-eval-xor: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
