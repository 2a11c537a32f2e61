import { holm, pairedTTest, permutationTest } from "@xqg/metrics";
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
 * (over that language's queries) and for the average (over all counted queries, paired by query id).
 */
export function buildReport(systems: readonly ScoredSystem[], settings: ReportSettings): ReportData {
  const baseline = systems.find((s) => s.alpha === 0 && s.queriesPerLanguage === undefined);
  if (!baseline) throw new Error("bug: the report needs the baseline (α = 0)");
  const { measures, languages, counts } = baseline.evaluation;
  const compare = (system: ScoredSystem): ReportRow["pValues"] => {
    if (system === baseline) return null;
    const out: Record<string, Record<string, number>> = {};
    for (const measure of measures) {
      const row: Record<string, number> = {};
      for (const lang of [...languages, "avg"]) {
        const [a, b] = paired(
          baseline.evaluation,
          system.evaluation,
          measure,
          lang === "avg" ? undefined : lang,
        );
        row[lang] = pValue(a, b, settings);
      }
      out[measure] = row;
    }
    return out;
  };
  const toRow = (system: ScoredSystem, pValues: ReportRow["pValues"]): ReportRow => ({
    system:
      system === baseline
        ? "baseline"
        : system.queriesPerLanguage
          ? `xQG (${system.queriesPerLanguage} per language)`
          : "xQG",
    alpha: system.alpha,
    queriesPerLanguage: system.queriesPerLanguage ?? null,
    scores: system.evaluation.scores,
    pValues,
  });
  const main = systems.filter((s) => s.queriesPerLanguage === undefined).sort((a, b) => a.alpha - b.alpha);
  const ablation = systems
    .filter((s) => s.queriesPerLanguage !== undefined)
    .sort((a, b) => a.queriesPerLanguage! - b.queriesPerLanguage!);
  const correct = (rows: ReportRow[]): ReportRow[] =>
    settings.correction === "holm" ? holmAcrossRows(rows, measures, [...languages, "avg"]) : rows;
  return {
    measures,
    languages,
    counts,
    tokenizer: baseline.evaluation.tokenizer,
    test: { name: settings.test, maxP: settings.maxP, correction: settings.correction },
    rows: correct(main.map((s) => toRow(s, compare(s)))),
    ablation:
      ablation.length === 0
        ? null
        : { alpha: ablation[0]!.alpha, rows: correct(ablation.map((s) => toRow(s, compare(s)))) },
  };
}

function paired(
  base: Evaluation,
  other: Evaluation,
  measure: string,
  lang: string | undefined,
): [number[], number[]] {
  const theirs = new Map(other.perQuery.map((q) => [q.id, q.values[measure]!]));
  const a: number[] = [];
  const b: number[] = [];
  for (const q of base.perQuery) {
    if (lang !== undefined && q.lang !== lang) continue;
    const value = theirs.get(q.id);
    if (value === undefined || q.values[measure] === undefined) continue;
    a.push(q.values[measure]!);
    b.push(value);
  }
  return [a, b];
}

function pValue(a: number[], b: number[], settings: ReportSettings): number {
  if (settings.test === "permutation")
    return permutationTest(a, b, { seed: settings.seed, rounds: settings.rounds }).pValue;
  return pairedTTest(a, b).pValue;
}

/** Holm's step-down correction over the rows compared with the baseline, per measure and language. */
function holmAcrossRows(
  rows: ReportRow[],
  measures: readonly string[],
  columns: readonly string[],
): ReportRow[] {
  const compared = rows.filter((r) => r.pValues !== null);
  const adjusted = compared.map(() => ({}) as Record<string, Record<string, number>>);
  for (const measure of measures) {
    for (const column of columns) {
      const corrected = holm(compared.map((r) => r.pValues![measure]![column]!));
      corrected.forEach((p, i) => {
        adjusted[i]![measure] ??= {};
        adjusted[i]![measure]![column] = p;
      });
    }
  }
  let k = 0;
  return rows.map((r) => (r.pValues === null ? r : { ...r, pValues: adjusted[k++]! }));
}
