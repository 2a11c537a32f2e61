import { compareScores, type ReportCell, type SystemScores } from "@xqg/metrics";
import type { ReportSettings } from "../settings/stages.js";
import type { Evaluation } from "../stages/evaluate.js";

/** One row of the report: the baseline (α = 0), xQG at an α, or a point of the queries-per-language ablation. */
export interface ReportRow {
  readonly system: string;
  readonly alpha: number;
  readonly queriesPerLanguage: number | null;
  /** measure → language (and `avg`) → score. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** measure → language (and `avg`) → p-value against the baseline; null for the baseline. */
  readonly pValues: Readonly<Record<string, Readonly<Record<string, number>>>> | null;
}

export interface ReportData {
  readonly measures: readonly string[];
  readonly languages: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  /** How R@kt tokenised passages ("nltk" is the official scoring). */
  readonly tokenizer: "nltk" | "treebank";
  readonly test: {
    readonly name: ReportSettings["test"];
    readonly maxP: number;
    readonly correction: string;
  };
  readonly rows: readonly ReportRow[];
  readonly ablation: { readonly alpha: number; readonly rows: readonly ReportRow[] } | null;
}

export interface ScoredSystem {
  readonly alpha: number;
  readonly queriesPerLanguage: number | undefined;
  readonly evaluation: Evaluation;
}

/**
 * Scores of every system side by side, with p-values of a paired test against the baseline per language
 * (over that language's queries) and for the average (over all counted queries, paired by query id): the α
 * rows and the ablation rows are each one `compareScores` of @xqg/metrics, so Holm corrects within each table.
 */
export function buildReport(systems: readonly ScoredSystem[], settings: ReportSettings): ReportData {
  const baseline = systems.find((s) => s.alpha === 0 && s.queriesPerLanguage === undefined);
  if (!baseline) throw new Error("bug: the report needs the baseline (α = 0)");
  const { measures, languages, counts } = baseline.evaluation;
  const main = systems.filter((s) => s.queriesPerLanguage === undefined).sort((a, b) => a.alpha - b.alpha);
  const ablation = systems
    .filter((s) => s.queriesPerLanguage !== undefined)
    .sort((a, b) => a.queriesPerLanguage! - b.queriesPerLanguage!);
  // names only inside the comparison: position keeps them unique
  const key = (s: ScoredSystem): string => `${systems.indexOf(s)}: α = ${s.alpha}`;
  const rowsOf = (compared: readonly ScoredSystem[]): ReportRow[] => {
    const report = compareScores(
      new Map([baseline, ...compared.filter((s) => s !== baseline)].map((s) => [key(s), scoresOf(s)])),
      {
        baseline: key(baseline),
        languageOf: languageOf(systems),
        languages,
        test: settings.test,
        maxP: settings.maxP,
        correction: settings.correction,
        seed: settings.seed,
        rounds: settings.rounds,
      },
    ).toJSON();
    const cell = (s: ScoredSystem, measure: string, group: string) =>
      report.rows.find((r) => r.group === group)!.cells[key(s)]![measure]!;
    const byColumn = (s: ScoredSystem, value: (c: ReportCell) => number) =>
      Object.fromEntries(
        measures.map((m) => [
          m,
          Object.fromEntries([...languages, "avg"].map((g) => [g, value(cell(s, m, g))])),
        ]),
      );
    return compared.map((s) => ({
      system:
        s === baseline
          ? "baseline"
          : s.queriesPerLanguage
            ? `xQG (${s.queriesPerLanguage} per language)`
            : "xQG",
      alpha: s.alpha,
      queriesPerLanguage: s.queriesPerLanguage ?? null,
      scores: byColumn(s, (c) => c.mean),
      pValues: s === baseline ? null : byColumn(s, (c) => c.pAdjusted!),
    }));
  };
  return {
    measures,
    languages,
    counts,
    tokenizer: baseline.evaluation.tokenizer,
    test: { name: settings.test, maxP: settings.maxP, correction: settings.correction },
    rows: rowsOf(main),
    ablation: ablation.length === 0 ? null : { alpha: ablation[0]!.alpha, rows: rowsOf(ablation) },
  };
}

function scoresOf(system: ScoredSystem): SystemScores {
  const { measures, perQuery } = system.evaluation;
  return new Map(
    measures.map((m) => [
      m,
      new Map(perQuery.flatMap((q) => (q.values[m] === undefined ? [] : [[q.id, q.values[m]] as const]))),
    ]),
  );
}

function languageOf(systems: readonly ScoredSystem[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of systems) for (const q of s.evaluation.perQuery) if (q.lang !== "") out.set(q.id, q.lang);
  return out;
}
