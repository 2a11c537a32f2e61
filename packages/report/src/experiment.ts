import {
  type ComparisonCell,
  type Correction,
  compare,
  type Evaluation,
  type RktTokenizer,
  SIGNIFICANCE_DEFAULTS,
  type SignificanceTest,
} from "@xqg/metrics";

/** One row of the report: the baseline (α = 0), xQG at an α, or a point of the queries-per-language ablation. */
export interface ExperimentRow {
  readonly system: string;
  readonly alpha: number;
  readonly queriesPerLanguage: number | null;
  /** measure → language (and `avg`) → score. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** measure → language (and `avg`) → p-value against the baseline; null for the baseline. */
  readonly pValues: Readonly<Record<string, Readonly<Record<string, number>>>> | null;
  /**
   * measure → language (and `avg`) → [low, high]: the 95% confidence interval of the mean over queries,
   * t-based (mean ± t(0.975, n − 1)·s/√n); for `avg`, the macro average ± t(0.975, N − L)·√(Σ s²/n)/L over the
   * L languages' N queries. NaN bounds where fewer than 2 queries are counted.
   */
  readonly ci: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>>;
  /**
   * Judged queries the system's run lacks, per language (languages without any left out); only present when
   * there are some. R@kt does not count them, as the official script does.
   */
  readonly missing?: Readonly<Record<string, number>>;
}

/** The xQG experiment's comparison: every α and ablation point against the baseline, per language. */
export interface ExperimentReport {
  readonly measures: readonly string[];
  readonly languages: readonly string[];
  /** Counted queries per language; without languages (an evaluation of qrels alone), `all`. */
  readonly counts: Readonly<Record<string, number>>;
  /** How R@kt tokenised passages ("nltk" is the official scoring). */
  readonly tokenizer: RktTokenizer;
  readonly test: {
    readonly name: SignificanceTest;
    readonly maxP: number;
    readonly correction: Correction;
  };
  readonly rows: readonly ExperimentRow[];
  readonly ablation: { readonly alpha: number; readonly rows: readonly ExperimentRow[] } | null;
}

/** One evaluated system of the experiment. */
export interface ExperimentSystem {
  readonly alpha: number;
  /** Set for the points of the queries-per-language ablation. */
  readonly queriesPerLanguage: number | undefined;
  readonly evaluation: Evaluation;
}

/** How systems are tested against the baseline; unset keys are @xqg/metrics' SIGNIFICANCE_DEFAULTS. */
export interface ExperimentSignificance {
  readonly test?: SignificanceTest;
  readonly maxP?: number;
  readonly correction?: Correction;
  readonly seed?: number;
  readonly rounds?: number;
}

/**
 * Scores of every system side by side, with p-values of a paired test against the baseline per language
 * (over that language's queries) and for the average (over all counted queries, paired by query id): the α
 * rows and the ablation rows are each one `compare` of @xqg/metrics, so Holm corrects within each table.
 */
export function buildExperimentReport(
  systems: readonly ExperimentSystem[],
  significance: ExperimentSignificance = {},
): ExperimentReport {
  const settings = { ...SIGNIFICANCE_DEFAULTS, ...significance };
  const baseline = systems.find((s) => s.alpha === 0 && s.queriesPerLanguage === undefined);
  if (!baseline) throw new RangeError("the report needs the baseline: a system with α = 0 and no ablation");
  const { measures, languages, counts } = baseline.evaluation;
  const main = systems.filter((s) => s.queriesPerLanguage === undefined).sort((a, b) => a.alpha - b.alpha);
  const ablation = systems
    .filter((s) => s.queriesPerLanguage !== undefined)
    .sort((a, b) => a.queriesPerLanguage! - b.queriesPerLanguage!);
  // names only inside the comparison: position keeps them unique
  const key = (s: ExperimentSystem): string => `${systems.indexOf(s)}: α = ${s.alpha}`;
  const rowsOf = (compared: readonly ExperimentSystem[]): ExperimentRow[] => {
    const report = compare(
      new Map([baseline, ...compared.filter((s) => s !== baseline)].map((s) => [key(s), s.evaluation])),
      {
        baseline: key(baseline),
        test: settings.test,
        maxP: settings.maxP,
        correction: settings.correction,
        seed: settings.seed,
        rounds: settings.rounds,
      },
    ).toJSON();
    // a language none of whose queries is counted (e.g. only yes/no answers) has no row: no score, no test
    // without languages (qrels alone, no queries file), the comparison's one row is "all": the report's avg
    const groupOf = (group: string) => (group === "avg" && languages.length === 0 ? "all" : group);
    const cell = (s: ExperimentSystem, measure: string, group: string): ComparisonCell =>
      report.rows.find((r) => r.group === groupOf(group))?.cells[key(s)]?.[measure] ?? UNSCORED;
    const byColumn = <T>(s: ExperimentSystem, value: (c: ComparisonCell) => T) =>
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
      ci: byColumn(s, (c) => c.ci),
      ...missingOf(s),
    }));
  };
  return {
    measures,
    languages,
    // without languages, the queries counted over all (every judged query the evaluation scores)
    counts: languages.length === 0 ? { all: baseline.evaluation.perQuery.length } : counts,
    tokenizer: baseline.evaluation.tokenizer,
    test: { name: settings.test, maxP: settings.maxP, correction: settings.correction },
    rows: rowsOf(main),
    ablation: ablation.length === 0 ? null : { alpha: ablation[0]!.alpha, rows: rowsOf(ablation) },
  };
}

const UNSCORED: ComparisonCell = {
  mean: Number.NaN,
  ci: [Number.NaN, Number.NaN],
  pValue: Number.NaN,
  pAdjusted: Number.NaN,
};

/** `{ missing }` with the languages whose queries the system's run lacks, or nothing when it lacks none. */
function missingOf(system: ExperimentSystem): { missing?: Record<string, number> } {
  const missing = Object.entries(system.evaluation.missing ?? {}).filter(([, n]) => n > 0);
  return missing.length === 0 ? {} : { missing: Object.fromEntries(missing) };
}
