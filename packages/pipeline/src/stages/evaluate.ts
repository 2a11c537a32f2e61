import { readFile, writeFile } from "node:fs/promises";
import { type Run, writeTextAtomic } from "@xqg/core";
import {
  CorpusError,
  type QrelsRow,
  type Query,
  type RunFormat,
  readPassages,
  readQrels,
  readQueries,
  readRun,
} from "@xqg/corpus";
import { createEvaluator, type Evaluation, formatTrecEval, parseMeasure } from "@xqg/metrics";
import { UsageError, UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import {
  checkQueriesLang,
  type InputSettings,
  inputParams,
  languageCodes,
  readOptions,
  splitInputs,
} from "../settings/inputs.js";
import type { EvaluateSettings } from "../settings/stages.js";
import { type StageEnv, withInputHints } from "./common.js";

/** Parses the measure names; a bad one is reported with the key that holds it. */
export function checkMeasures(measures: readonly string[], where = "--metrics"): string[] {
  return measures.map((m, i) => {
    try {
      return String(parseMeasure(m));
    } catch (error) {
      // one line (the parser's message goes on with the measure and a caret under the character)
      const reason = `${where}[${i}]: ${(error as Error).message.split("\n")[0]}`;
      throw where.startsWith("--") ? new UsageError(`evaluate: ${reason}`) : new UserError(reason);
    }
  });
}

/** What `xqg evaluate` reads and writes. */
export interface EvaluateIo {
  /** The run; "-" reads standard input. */
  run: string;
  /** The run's format (default: told from its content). */
  runFormat?: RunFormat | undefined;
  /** Queries with answers (R@kt) and languages; optional without R@kt. */
  queries?: string | undefined;
  /** The passages' text (R@kt); optional without R@kt. */
  corpus?: string | undefined;
  qrels?: string | undefined;
  /**
   * Qrels measures: judged queries the run lacks score 0 (trec_eval -c; the default, and what R@kt-less
   * evaluations always did) or are left out (false, trec_eval's default).
   */
  complete?: boolean | undefined;
  /** Where NLTK's punkt_tab data is (else $NLTK_DATA and NLTK's standard folders). */
  nltkData?: string | undefined;
  /** The evaluation JSON; undefined or "-": none written (the caller prints), and no manifest. */
  out?: string | undefined;
  manifest: string;
}

/** Reads a run as `xqg evaluate` and `xqg run` do: a format that cannot be told names `--run-format`. */
export async function readRunFile(file: string, format?: RunFormat): Promise<Run> {
  if (file === STDIO && process.stdin.isTTY)
    throw new UsageError(
      "--run -: standard input is a terminal; pipe a run in (… | xqg evaluate --run -) or name the file",
    );
  try {
    return await readRun(file, format === undefined ? {} : { format });
  } catch (error) {
    // the library's fix names its option; the command line's is a flag (and a config key)
    if (error instanceof CorpusError && error.fix?.option === "format") {
      const reason = `${error.problem}; pass --run-format (one of ${error.fix.choices.join(", ")})`;
      throw new UserError(reason, { file: error.file, line: error.line, field: "format", cause: error });
    }
    throw error;
  }
}

/**
 * Scores a run: R@kt against the queries' answers over the passages' text (XOR-TyDi's official semantics), and
 * qrels measures (R@k, MRR@k, nDCG@k, MAP, P@k) when qrels are given. Queries and corpus are needed only for
 * R@kt; without R@kt a run and qrels suffice (queries, when given, add per-language means). Writes the evaluation
 * JSON to `io.out` under a manifest (skipped when up to date); without an output file (or with "-") returns it.
 * Refuses an evaluation where the judgments judge none of the run's queries.
 */
export async function evaluateStage(
  env: StageEnv,
  io: EvaluateIo,
  settings: EvaluateSettings & InputSettings,
): Promise<"ran" | "skipped"> {
  return (await evaluate(env, io, settings)).state;
}

/**
 * `evaluateStage` for the command line: also returns the evaluation and the run (undefined when the output was
 * up to date, and read from it).
 */
export async function evaluate(
  env: StageEnv,
  io: EvaluateIo,
  settings: EvaluateSettings & InputSettings,
): Promise<{ state: "ran" | "skipped"; evaluation?: Evaluation; run?: Run }> {
  const { inputs } = splitInputs(settings);
  checkQueriesLang(inputs);
  const measures = checkMeasures(settings.metrics);
  const needsQrels = measures.find((m) => parseMeasure(m).judgedBy === "qrels");
  const needsAnswers = measures.some((m) => parseMeasure(m).judgedBy === "answers");
  // a file the measures need and the call does not name: on the command line a missing flag (exit 2); a config
  // run checks its plan for these before any unit
  if (needsQrels !== undefined && !io.qrels) {
    throw new UsageError(`evaluate: ${needsQrels} needs qrels (--qrels, or "qrels" in the config)`);
  }
  const rkt = measures.find((m) => parseMeasure(m).judgedBy === "answers");
  if (rkt !== undefined && (!io.queries || !io.corpus)) {
    throw new UsageError(
      `evaluate: ${rkt} needs the queries' answers and the passages' text (--queries and --corpus, or "queries" and "corpus" in the config)`,
    );
  }
  const complete = io.complete ?? true;
  return withInputHints({ queries: io.queries ?? "", corpus: io.corpus ?? "" }, async () => {
    if (io.out === undefined || io.out === STDIO || io.run === STDIO) {
      const result = await computeEvaluation(env, io, settings, measures, complete);
      if (io.out !== undefined && io.out !== STDIO)
        await writeTextAtomic(io.out, evaluationJson(result.evaluation));
      return { state: "ran" as const, ...result };
    }
    const out = io.out;
    let result: { evaluation: Evaluation; run: Run } | undefined;
    const state = await runStage(
      env,
      {
        stage: "evaluate",
        manifest: io.manifest,
        inputs: {
          run: io.run,
          ...(io.queries ? { queries: io.queries } : {}),
          ...(io.corpus ? { corpus: io.corpus } : {}),
          ...(io.qrels ? { qrels: io.qrels } : {}),
        },
        params: {
          metrics: measures,
          ...(complete ? {} : { complete }),
          ...(io.runFormat ? { runFormat: io.runFormat } : {}),
          ...(needsAnswers ? { tokenizer: settings.tokenizer } : {}),
          ...inputParams(
            inputs,
            (["corpus", "queries"] as const).filter((k) => io[k]),
          ),
          // the languages' order is the evaluation's
          ...(inputs.languageNames ? { languages: languageCodes(inputs) } : {}),
        },
        packages: ["@xqg/corpus", "@xqg/metrics"],
        outputs: [out],
      },
      async (staged) => {
        result = await computeEvaluation(env, io, settings, measures, complete);
        await writeFile(staged(out), evaluationJson(result.evaluation));
      },
    );
    return { state, ...result };
  });
}

const STDIO = "-";

function evaluationJson(evaluation: Evaluation): string {
  return `${JSON.stringify(evaluation, null, 1)}\n`;
}

async function computeEvaluation(
  env: StageEnv,
  io: EvaluateIo,
  settings: EvaluateSettings & InputSettings,
  measures: string[],
  complete: boolean,
): Promise<{ evaluation: Evaluation; run: Run }> {
  const { inputs } = splitInputs(settings);
  const read = readOptions(inputs);
  const run = await readRunFile(io.run, io.runFormat);
  const texts = new Map<string, string>();
  if (io.corpus) {
    const needed = new Set<string>();
    for (const scores of run.values()) for (const docid of scores.keys()) needed.add(docid);
    for await (const p of readPassages(io.corpus, read.corpus))
      if (needed.has(p.docid)) texts.set(p.docid, p.text);
    for (const docid of needed) {
      if (!texts.has(docid))
        throw new UserError(`${io.run}: passage ${JSON.stringify(docid)} is not in ${io.corpus}`);
    }
  }
  const queries: Query<string>[] = [];
  if (io.queries) for await (const q of readQueries(io.queries, read.queries)) queries.push(q);
  const qrels: QrelsRow[] = [];
  if (io.qrels) for await (const r of readQrels(io.qrels)) qrels.push(r);
  // Punkt is loaded only when R@kt is asked
  const evaluator = createEvaluator(
    {
      queries,
      passageText: (docid) => texts.get(docid),
      ...(io.qrels ? { qrels } : {}),
      tokenizer: settings.tokenizer,
      nltkData: io.nltkData,
      languageOrder: languageCodes(inputs),
      complete,
    },
    measures,
  );
  const evaluation = await evaluator.evaluate(run, env.signal ? { signal: env.signal } : {});
  const counts = evaluation.queries!;
  if (counts.evaluated === 0) {
    const judges = [io.qrels, io.queries].filter((f) => f !== undefined).join(" and ");
    throw new UserError(
      `evaluate: ${judges} judge none of the ${counts.run} queries of ${io.run === STDIO ? "the run (stdin)" : io.run} (${counts.judged} judged queries, none in the run): are they the same query set?`,
    );
  }
  const missing = Object.entries(evaluation.missing ?? {}).filter(([, n]) => n > 0);
  if (missing.length > 0)
    env.log.warn(
      `evaluate: ${io.run} lacks ${missing.reduce((sum, [, n]) => sum + n, 0)} judged queries (${missing.map(([lang, n]) => `${lang} ${n}`).join(", ")}); R@kt does not count them, as eval_xor_retrieve.py does${complete ? "" : ", nor do the qrels measures (--complete false)"}`,
    );
  return { evaluation, run };
}

/** The query counts under the table: judged, evaluated and missing. */
export function countsLine(evaluation: Evaluation): string {
  const q = evaluation.queries;
  if (q === undefined) return "";
  return `queries: ${q.judged} judged, ${q.run} in the run, ${q.evaluated} evaluated, ${q.missing} missing\n`;
}

/**
 * The evaluation as a terminal table: one row per measure, its mean per language (when the queries give
 * languages) and `avg` (the macro average over languages; without languages, the mean over queries).
 */
export function evaluationTable(evaluation: Evaluation): string {
  const columns = [...evaluation.languages, "avg"];
  const header = ["measure", ...columns];
  const body = evaluation.measures.map((m) => [
    m,
    ...columns.map((c) => {
      const v = evaluation.scores[m]?.[c];
      return v === undefined || v === null || Number.isNaN(v) ? "–" : v.toFixed(4);
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return `${[line(header), rule, ...body.map(line)].join("\n")}\n`;
}

/**
 * trec_eval's output for an evaluation (see @xqg/metrics' `formatTrecEval`): `all` is the mean over the
 * per-query values (over the judged queries; with `--complete false`, those the run contains), per-query
 * lines for the queries of `run`.
 */
export function evaluationTrecEval(evaluation: Evaluation, run: Run | undefined, perQuery: boolean): string {
  return formatTrecEval(evaluation, perQuery && run !== undefined ? { perQuery, run } : {});
}

/** Reads an evaluation JSON (what `evaluateStage` writes). */
export async function readEvaluation(file: string): Promise<Evaluation> {
  return JSON.parse(await readFile(file, "utf8")) as Evaluation;
}
