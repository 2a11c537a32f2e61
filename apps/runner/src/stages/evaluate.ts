import { writeFile } from "node:fs/promises";
import { LANGUAGES, type Lang, type Query, readPassages, readQueries, readRun } from "@xqg/corpus";
import { evaluateXor } from "@xqg/metrics";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { EvaluateSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

/** What `xqg evaluate` writes: aggregates per language and per-query values for the paired tests. */
export interface Evaluation {
  readonly measures: readonly string[];
  readonly languages: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  /** measure → language (and `avg`) → score in percent. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** One entry per counted query, in the queries file's order; values in percent (0 or 100 for R@kt). */
  readonly perQuery: ReadonlyArray<{ id: string; lang: string; values: Readonly<Record<string, number>> }>;
}

const RKT = /^R@(\d+(?:\.\d+)?)kt$/;

/** Parses the R@kt cut-offs out of the measure names; anything else is named in the error. */
export function rktCutoffs(measures: readonly string[], where = "evaluate.metrics"): number[] {
  return measures.map((m, i) => {
    const match = RKT.exec(m);
    if (!match) {
      throw new UserError(
        `${where}[${i}]: ${JSON.stringify(m)} needs qrels, which this runner does not evaluate yet; use R@<k>kt (e.g. R@2kt)`,
      );
    }
    return Number(match[1]);
  });
}

/** Scores a TREC run against the queries' answers (XOR-TyDi R@kt over the passages' text). */
export async function evaluateStage(
  env: StageEnv,
  io: { run: string; queries: string; corpus: string; out: string; manifest: string },
  settings: EvaluateSettings,
) {
  const ks = rktCutoffs(settings.metrics);
  return runStage(
    env,
    {
      stage: "evaluate",
      manifest: io.manifest,
      inputs: { run: io.run, queries: io.queries, corpus: io.corpus },
      params: { metrics: settings.metrics },
      packages: ["@xqg/corpus", "@xqg/metrics"],
      outputs: [io.out],
    },
    async (staged) => {
      const ranking = new Map<string, string[]>();
      for await (const row of readRun(io.run)) {
        const list = ranking.get(row.qid) ?? [];
        if (list.length === 0) ranking.set(row.qid, list);
        list[row.rank - 1] = row.docid;
      }
      const needed = new Set<string>();
      for (const list of ranking.values()) for (const docid of list) needed.add(docid);
      const texts = new Map<string, string>();
      for await (const p of readPassages(io.corpus)) if (needed.has(p.docid)) texts.set(p.docid, p.text);
      for (const docid of needed) {
        if (!texts.has(docid))
          throw new UserError(`${io.run}: passage ${JSON.stringify(docid)} is not in ${io.corpus}`);
      }
      const answers: Query[] = [];
      for await (const q of readQueries(io.queries)) answers.push(q);
      const progress = env.log.progress("evaluate", answers.length, "queries");
      const result = evaluateXor(answers, ranking, (docid) => texts.get(docid), ks, {
        languages: (Object.keys(LANGUAGES) as Lang[]).filter((l) => answers.some((q) => q.lang === l)),
      });
      progress.tick(answers.length);
      progress.done();
      const evaluation: Evaluation = {
        measures: result.measures,
        languages: result.languages,
        counts: result.counts,
        scores: result.scores,
        perQuery: result.perQuery.map((q) => ({
          id: q.id,
          lang: q.lang,
          values: Object.fromEntries(Object.entries(q.hits).map(([m, hit]) => [m, hit * 100])),
        })),
      };
      await writeFile(staged(io.out), `${JSON.stringify(evaluation, null, 1)}\n`);
    },
  );
}
