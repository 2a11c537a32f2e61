import { readFile, writeFile } from "node:fs/promises";
import { type QrelsRow, type Query, readPassages, readQrels, readQueries, readRun } from "@xqg/corpus";
import { createEvaluator, type Evaluation, formatTrecEval, parseMeasure } from "@xqg/metrics";
import { UserError } from "../errors.js";
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
      throw new UserError(`${where}[${i}]: ${(error as Error).message}`);
    }
  });
}

/**
 * Scores a TREC run: R@kt against the queries' answers over the passages' text (XOR-TyDi's official
 * semantics), and qrels measures (R@k, MRR@k, nDCG@k, MAP, P@k) when qrels are given. Queries and corpus are
 * needed only for R@kt; without R@kt a run and qrels suffice (queries, when given, add per-language means).
 */
export async function evaluateStage(
  env: StageEnv,
  io: {
    run: string;
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
    out: string;
    manifest: string;
  },
  settings: EvaluateSettings & InputSettings,
) {
  const { inputs } = splitInputs(settings);
  checkQueriesLang(inputs);
  const read = readOptions(inputs);
  const measures = checkMeasures(settings.metrics);
  const needsQrels = measures.find((m) => parseMeasure(m).judgedBy === "qrels");
  const needsAnswers = measures.some((m) => parseMeasure(m).judgedBy === "answers");
  if (needsQrels !== undefined && !io.qrels) {
    throw new UserError(`evaluate: ${needsQrels} needs qrels (--qrels, or "qrels" in the config)`);
  }
  const rkt = measures.find((m) => parseMeasure(m).judgedBy === "answers");
  if (rkt !== undefined && (!io.queries || !io.corpus)) {
    throw new UserError(
      `evaluate: ${rkt} needs the queries' answers and the passages' text (--queries and --corpus, or "queries" and "corpus" in the config)`,
    );
  }
  const complete = io.complete ?? true;
  return withInputHints({ queries: io.queries ?? "", corpus: io.corpus ?? "" }, () =>
    runStage(
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
          ...(needsAnswers ? { tokenizer: settings.tokenizer } : {}),
          ...inputParams(
            inputs,
            (["corpus", "queries"] as const).filter((k) => io[k]),
          ),
          // the languages' order is the evaluation's
          ...(inputs.languageNames ? { languages: languageCodes(inputs) } : {}),
        },
        packages: ["@xqg/corpus", "@xqg/metrics"],
        outputs: [io.out],
      },
      async (staged) => {
        const run = await readRun(io.run);
        const needed = new Set<string>();
        for (const scores of run.values()) for (const docid of scores.keys()) needed.add(docid);
        const texts = new Map<string, string>();
        if (io.corpus) {
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
        const evaluation = await evaluator.evaluate(run);
        const missing = Object.entries(evaluation.missing ?? {}).filter(([, n]) => n > 0);
        if (missing.length > 0)
          env.log.warn(
            `evaluate: ${io.run} lacks ${missing.reduce((sum, [, n]) => sum + n, 0)} judged queries (${missing.map(([lang, n]) => `${lang} ${n}`).join(", ")}); R@kt does not count them, as eval_xor_retrieve.py does${complete ? "" : ", nor do the qrels measures (--complete false)"}`,
          );
        await writeFile(staged(io.out), `${JSON.stringify(evaluation, null, 1)}\n`);
      },
    ),
  );
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
 * lines for the queries of `runFile`.
 */
export async function evaluationTrecEval(
  evaluation: Evaluation,
  runFile: string,
  perQuery: boolean,
): Promise<string> {
  return formatTrecEval(evaluation, perQuery ? { perQuery, run: await readRun(runFile) } : {});
}

/** Reads an evaluation JSON (what `evaluateStage` writes). */
export async function readEvaluation(file: string): Promise<Evaluation> {
  return JSON.parse(await readFile(file, "utf8")) as Evaluation;
}
