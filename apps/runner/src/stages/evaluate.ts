import { writeFile } from "node:fs/promises";
import { LANGUAGES, type Query, readPassages, readQrels, readQueries, readRun } from "@xqg/corpus";
import {
  createEvaluator,
  createWordTokenizer,
  parseMeasure,
  qrelsFromRows,
  runFromRows,
  TokenCache,
  treebankWordTokenize,
} from "@xqg/metrics";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { EvaluateSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

/** What `xqg evaluate` writes: aggregates per language and per-query values for the paired tests. */
export interface Evaluation {
  /** Canonical measure strings (`R@2kt`, `nDCG@10`). */
  readonly measures: readonly string[];
  readonly languages: readonly string[];
  /** Judged queries per language (for R@kt: those with an answer other than yes/no). */
  readonly counts: Readonly<Record<string, number>>;
  /** measure → language (and `avg`, the macro average over languages) → mean over the judged queries. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** One entry per judged query, in the judgments' order: measure → value. */
  readonly perQuery: ReadonlyArray<{ id: string; lang: string; values: Readonly<Record<string, number>> }>;
  /** How R@kt tokenised the passages. */
  readonly tokenizer: "nltk" | "treebank";
}

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

const ORDER = Object.keys(LANGUAGES);
const byLanguage = (a: string, b: string): number => rank(a) - rank(b);
const rank = (lang: string): number => (ORDER.includes(lang) ? ORDER.indexOf(lang) : ORDER.length);

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
  settings: EvaluateSettings,
) {
  const measures = checkMeasures(settings.metrics);
  const needsQrels = measures.some((m) => !m.endsWith("kt"));
  if (needsQrels && !io.qrels) {
    throw new UserError(
      `evaluate: ${measures.find((m) => !m.endsWith("kt"))} needs qrels (--qrels, or "qrels" in the config)`,
    );
  }
  return runStage(
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
        ...(measures.some((m) => m.endsWith("kt")) ? { tokenizer: settings.tokenizer } : {}),
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
      for await (const p of readPassages(io.corpus)) if (needed.has(p.docid)) texts.set(p.docid, p.text);
      for (const docid of needed) {
        if (!texts.has(docid))
          throw new UserError(`${io.run}: passage ${JSON.stringify(docid)} is not in ${io.corpus}`);
      }
      const answers: Query[] = [];
      for await (const q of readQueries(io.queries)) answers.push(q);
      let qrels: ReturnType<typeof qrelsFromRows> | undefined;
      if (io.qrels) {
        const qrelRows = [];
        for await (const r of readQrels(io.qrels))
          qrelRows.push({ qid: r.qid, docid: r.docid, rel: r.relevance });
        qrels = qrelsFromRows(qrelRows);
      }
      const tokenize =
        settings.tokenizer === "nltk"
          ? createWordTokenizer(io.nltkData ? { path: io.nltkData } : {})
          : treebankWordTokenize;
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
      const scores = evaluator.scores(run);
      const byLang = evaluator.aggregateByLanguage(run);
      const languages = [...evaluator.languages].sort(byLanguage);
      const counts: Record<string, number> = {};
      const perQuery = new Map<string, { id: string; lang: string; values: Record<string, number> }>();
      for (const q of answers) perQuery.set(q.id, { id: q.id, lang: q.lang, values: {} });
      for (const [measure, values] of scores) {
        for (const [qid, value] of values) {
          const entry = perQuery.get(qid) ?? { id: qid, lang: evaluator.languageOf(qid) ?? "", values: {} };
          perQuery.set(qid, entry);
          entry.values[measure] = value;
        }
      }
      const judged = [...perQuery.values()].filter((q) => Object.keys(q.values).length > 0);
      for (const lang of languages) counts[lang] = judged.filter((q) => q.lang === lang).length;
      const evaluation: Evaluation = {
        measures,
        languages,
        counts,
        scores: Object.fromEntries(
          measures.map((m) => [
            m,
            Object.fromEntries([...languages, "avg"].map((lang) => [lang, byLang.get(lang)!.get(m)!])),
          ]),
        ),
        perQuery: judged,
        tokenizer: settings.tokenizer,
      };
      await writeFile(staged(io.out), `${JSON.stringify(evaluation, null, 1)}\n`);
    },
  );
}
