import { pairedTTest } from "@xqg/metrics";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { reportMarkdown, reportPlots } from "../src/report/render.js";
import { defaultsOf } from "../src/settings/fields.js";
import { STAGE_FIELDS } from "../src/settings/stages.js";
import type { Evaluation } from "../src/stages/evaluate.js";

function evaluation(values: Record<string, number[]>): Evaluation {
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
const settings = defaultsOf(STAGE_FIELDS.report);

describe("report", () => {
  const data = buildReport(
    [
      { alpha: 0, queriesPerLanguage: undefined, evaluation: baseline },
      { alpha: 0.01, queriesPerLanguage: undefined, evaluation: better },
    ],
    settings,
  );

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
    expect(reportMarkdown(data)).toBe(
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
    const plots = reportPlots(data);
    expect([...plots.keys()]).toEqual(["r2kt-vs-alpha.svg"]);
    const svg = plots.get("r2kt-vs-alpha.svg")!;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain(">R@2kt vs α</text>");
    expect(svg.match(/<polyline /g)).toHaveLength(3);
  });
});
