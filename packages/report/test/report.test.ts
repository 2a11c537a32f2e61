import { type LanguageEvaluation, pairedTTest } from "@xqg/metrics";
import { describe, expect, it } from "vitest";
import {
  buildExperimentReport,
  experimentMarkdown,
  experimentPlots,
  experimentReportFiles,
} from "../src/index.js";

function evaluation(values: Record<string, number[]>): LanguageEvaluation {
  const perQuery = Object.entries(values).flatMap(([lang, xs]) =>
    xs.map((x, i) => ({ id: `${lang}${i}`, lang, values: { "R@2kt": x } })),
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const perLang = Object.fromEntries(Object.entries(values).map(([l, xs]) => [l, mean(xs)]));
  return {
    measures: ["R@2kt"],
    languages: Object.keys(values),
    counts: Object.fromEntries(Object.entries(values).map(([l, xs]) => [l, xs.length])),
    scores: { "R@2kt": { ...perLang, avg: mean(Object.values(perLang)) } },
    perQuery,
    tokenizer: "nltk",
  };
}

const baseline = evaluation({ ar: [0, 0, 0, 0, 0, 0, 1, 0], bn: [1, 0, 1, 0] });
const better = evaluation({ ar: [1, 1, 1, 1, 1, 1, 1, 0], bn: [1, 0, 1, 0] });

describe("report", () => {
  const data = buildExperimentReport([
    { alpha: 0, queriesPerLanguage: undefined, evaluation: baseline },
    { alpha: 0.01, queriesPerLanguage: undefined, evaluation: better },
  ]);

  it("tests each language over its queries and the average over all queries, paired by id", () => {
    const row = data.rows[1]!;
    expect(row.pValues!["R@2kt"]!["ar"]).toBe(
      pairedTTest([0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 1, 1, 1, 1, 0]).pValue,
    );
    expect(row.pValues!["R@2kt"]!["bn"]).toBe(1);
    expect(row.pValues!["R@2kt"]!["avg"]).toBe(
      pairedTTest([0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0], [1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0]).pValue,
    );
    expect(data.rows[0]!.pValues).toBeNull();
  });

  it("renders the paper's table with significance markers", () => {
    expect(experimentMarkdown(data)).toBe(
      [
        "# xQG report",
        "",
        "| R@2kt            |    ar |    bn |   avg |",
        "| ---------------- | ----: | ----: | ----: |",
        "| baseline (α = 0) | 12.5  | 50.0  | 31.3  |",
        "| xQG α = 0.01     | 87.5† | 50.0  | 68.8† |",
        "",
        "† better, ‡ worse than the baseline with p < 0.05 (paired two-sided t-test; per language over its queries, avg over all queries).",
        "Scores × 100.",
        "Counted queries: ar 8, bn 4.",
        "",
      ].join("\n"),
    );
  });

  it("plots each measure against α as SVG", () => {
    const plots = experimentPlots(data);
    expect([...plots.keys()]).toEqual(["r2kt-vs-alpha.svg"]);
    const svg = plots.get("r2kt-vs-alpha.svg")!;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain(">R@2kt vs α</text>");
    expect(svg.match(/<polyline /g)).toHaveLength(3);
  });
});

describe("report files", () => {
  it("names Markdown, JSON and one plot per measure (two with the ablation)", () => {
    expect(experimentReportFiles(["R@2kt", "nDCG@10"], false)).toEqual([
      "report.md",
      "report.json",
      "r2kt-vs-alpha.svg",
      "ndcg10-vs-alpha.svg",
    ]);
    expect(experimentReportFiles(["R@5kt"], true)).toEqual([
      "report.md",
      "report.json",
      "r5kt-vs-alpha.svg",
      "r5kt-vs-queries-per-language.svg",
    ]);
  });
});

describe("significance settings", () => {
  it("default to @xqg/metrics' (the paper's uncorrected t-test at 0.05) and follow what is given", () => {
    const systems = [
      { alpha: 0, queriesPerLanguage: undefined, evaluation: baseline },
      { alpha: 0.01, queriesPerLanguage: undefined, evaluation: better },
    ];
    expect(buildExperimentReport(systems).test).toEqual({ name: "t", maxP: 0.05, correction: "none" });
    const strict = buildExperimentReport(systems, { maxP: 0.001, correction: "holm" });
    expect(strict.test).toEqual({ name: "t", maxP: 0.001, correction: "holm" });
    const cells = (md: string) =>
      md
        .split("\n")
        .filter((l) => l.startsWith("|"))
        .join("\n");
    expect(cells(experimentMarkdown(buildExperimentReport(systems)))).toContain("87.5†");
    expect(cells(experimentMarkdown(strict))).not.toMatch(/[†‡]/);
  });

  it("refuses systems without a baseline", () => {
    expect(() =>
      buildExperimentReport([{ alpha: 0.01, queriesPerLanguage: undefined, evaluation: better }]),
    ).toThrow("the report needs the baseline: a system with α = 0 and no ablation");
  });
});

describe("a language without counted queries", () => {
  it("gets no score and no test (–), instead of failing the report", () => {
    const noAr = evaluation({ bn: [1, 0, 1, 0] });
    const withAr = { ...noAr, languages: ["ar", "bn"], counts: { ar: 0, bn: 4 } };
    const report = buildExperimentReport([
      { alpha: 0, queriesPerLanguage: undefined, evaluation: withAr },
      { alpha: 0.01, queriesPerLanguage: undefined, evaluation: withAr },
    ]);
    expect(report.rows[1]!.scores["R@2kt"]!["ar"]).toBeNaN();
    expect(report.rows[1]!.pValues!["R@2kt"]!["ar"]).toBeNaN();
    expect(experimentMarkdown(report).split("\n").slice(4, 6)).toEqual([
      "| baseline (α = 0) |  – | 50.0  | 50.0  |",
      "| xQG α = 0.01     |  – | 50.0  | 50.0  |",
    ]);
  });
});

describe("queries missing from a run", () => {
  const lacking = (missing: Record<string, number>) => ({ ...better, missing });
  const build = (...evaluations: LanguageEvaluation[]) =>
    buildExperimentReport(
      evaluations.map((evaluation, i) => ({
        alpha: i === 0 ? 0 : i / 100,
        queriesPerLanguage: undefined,
        evaluation,
      })),
    );
  const lastLine = (report: ReturnType<typeof build>) =>
    experimentMarkdown(report).trimEnd().split("\n").at(-1);

  it("are named once under the tables when every run lacks the same, and kept per row in the JSON", () => {
    const report = build({ ...baseline, missing: { ar: 2, bn: 0 } }, lacking({ ar: 2, bn: 0 }));
    expect(lastLine(report)).toBe("Missing from the run: ar 2 (not counted, as in the official script).");
    expect(report.rows.map((r) => r.missing)).toEqual([{ ar: 2 }, { ar: 2 }]);
  });

  it("are named per system when the runs differ, and not at all when none is missing", () => {
    const report = build(
      { ...baseline, missing: { ar: 0, bn: 0 } },
      lacking({ ar: 1, bn: 3 }),
      lacking({ ar: 1, bn: 3 }),
    );
    expect(lastLine(report)).toBe(
      "Missing from the runs: xQG α = 0.01: ar 1, bn 3; xQG α = 0.02: ar 1, bn 3 (not counted, as in the official script).",
    );
    const none = build({ ...baseline, missing: { ar: 0, bn: 0 } }, better);
    expect(lastLine(none)).toBe("Counted queries: ar 8, bn 4.");
    expect(none.rows.map((r) => "missing" in r)).toEqual([false, false]);
  });
});
