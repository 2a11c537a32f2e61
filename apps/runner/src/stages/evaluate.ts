import { writeFile } from "node:fs/promises";
import { type Query, readPassages, readQrels, readQueries, readRun } from "@xqg/corpus";
import {
  createEvaluator,
  evaluateByLanguage,
  parseMeasure,
  qrelsFromRows,
  rktTokenizer,
  runFromRows,
  TokenCache,
} from "@xqg/metrics";
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
 * semantics), and qrels measures (R@k, MRR@k, nDCG@k, MAP, P@k) when qrels are given.
 */
export async function evaluateStage(
  env: StageEnv,
  io: {
    run: string;
    queries: string;
    corpus: string;
    qrels?: string | undefined;
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
  return withInputHints({ queries: io.queries, corpus: io.corpus }, () =>
    runStage(
      env,
      {
        stage: "evaluate",
        manifest: io.manifest,
        inputs: {
          run: io.run,
          queries: io.queries,
          corpus: io.corpus,
          ...(io.qrels ? { qrels: io.qrels } : {}),
        },
        params: {
          metrics: measures,
          ...(needsAnswers ? { tokenizer: settings.tokenizer } : {}),
          ...inputParams(inputs, ["corpus", "queries"]),
          // the languages' order is the evaluation's
          ...(inputs.languageNames ? { languages: languageCodes(inputs) } : {}),
        },
        packages: ["@xqg/corpus", "@xqg/metrics"],
        outputs: [io.out],
      },
      async (staged) => {
        const rows = [];
        for await (const row of readRun(io.run)) rows.push(row);
        const run = runFromRows(rows);
        const needed = new Set<string>();
        for (const list of run.values()) for (const docid of list) needed.add(docid);
        const texts = new Map<string, string>();
        for await (const p of readPassages(io.corpus, read.corpus))
          if (needed.has(p.docid)) texts.set(p.docid, p.text);
        for (const docid of needed) {
          if (!texts.has(docid))
            throw new UserError(`${io.run}: passage ${JSON.stringify(docid)} is not in ${io.corpus}`);
        }
        const answers: Query<string>[] = [];
        for await (const q of readQueries(io.queries, read.queries)) answers.push(q);
        let qrels: ReturnType<typeof qrelsFromRows> | undefined;
        if (io.qrels) {
          const qrelRows = [];
          for await (const r of readQrels(io.qrels))
            qrelRows.push({ qid: r.qid, docid: r.docid, rel: r.relevance });
          qrels = qrelsFromRows(qrelRows);
        }
        const tokenize = rktTokenizer(settings.tokenizer, io.nltkData ? { path: io.nltkData } : {});
        const evaluator = createEvaluator(
          {
            tokenCache: new TokenCache(tokenize),
            answers,
            passageText: (docid) => texts.get(docid),
            languages: new Map(answers.map((q) => [q.id, q.lang])),
            ...(qrels ? { qrels } : {}),
          },
          measures,
        );
        const evaluation = evaluateByLanguage(evaluator, run, {
          queries: answers,
          languageOrder: languageCodes(inputs),
          tokenizer: settings.tokenizer,
        });
        const missing = Object.entries(evaluation.missing ?? {}).filter(([, n]) => n > 0);
        if (missing.length > 0)
          env.log.warn(
            `evaluate: ${io.run} lacks ${missing.reduce((sum, [, n]) => sum + n, 0)} judged queries (${missing.map(([lang, n]) => `${lang} ${n}`).join(", ")}); R@kt does not count them, as eval_xor_retrieve.py does`,
          );
        await writeFile(staged(io.out), `${JSON.stringify(evaluation, null, 1)}\n`);
      },
    ),
  );
}
