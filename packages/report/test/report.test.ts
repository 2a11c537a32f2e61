import { type Evaluation, SIGNIFICANCE_TESTS } from "@xqg/metrics";
import { describe, expect, it } from "vitest";
import { buildExperimentReport, experimentReportFiles, renderExperimentReport } from "../src/index.js";
import { niceTicks } from "../src/line-chart.js";
import { experimentLatex, experimentMarkdown, experimentPlots } from "../src/render.js";
import { evaluation } from "./helpers.js";

const pairedTTest = (a: number[], b: number[]) => SIGNIFICANCE_TESTS.t.run(a, b);

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

describe("how R@kt tokenised", () => {
  it("is said under the tables unless it is the official NLTK 3.8 word_tokenize", () => {
    const line = (tokenizer: "nltk" | "nltk-3.9" | "treebank") =>
      experimentMarkdown(
        buildExperimentReport([
          { alpha: 0, queriesPerLanguage: undefined, evaluation: { ...baseline, tokenizer } },
          { alpha: 0.01, queriesPerLanguage: undefined, evaluation: { ...better, tokenizer } },
        ]),
      )
        .split("\n")
        .find((l) => l.startsWith("Scores × 100."));
    expect(line("nltk")).toBe("Scores × 100.");
    expect(line("nltk-3.9")).toBe(
      "Scores × 100. R@kt tokenised by NLTK 3.9's word_tokenize (the official scoring used NLTK 3.8; a few passages tokenise differently).",
    );
    expect(line("treebank")).toMatch(
      /^Scores × 100\. R@kt tokenised by NLTK's Treebank tokenizer without Punkt/,
    );
  });
});

describe("report files", () => {
  it("names Markdown, JSON and one plot per measure (two with the ablation), each as SVG, PNG and PDF", () => {
    expect(experimentReportFiles(["R@2kt", "nDCG@10"], false)).toEqual([
      "report.md",
      "report.json",
      ...["svg", "png", "pdf"].map((f) => `r2kt-vs-alpha.${f}`),
      ...["svg", "png", "pdf"].map((f) => `ndcg10-vs-alpha.${f}`),
    ]);
    expect(experimentReportFiles(["R@5kt"], true)).toEqual([
      "report.md",
      "report.json",
      ...["svg", "png", "pdf"].map((f) => `r5kt-vs-alpha.${f}`),
      ...["svg", "png", "pdf"].map((f) => `r5kt-vs-queries-per-language.${f}`),
    ]);
  });

  it("renders exactly the files it names: Markdown (×100), JSON (0–1), LaTeX when asked, the plots", () => {
    const data = buildExperimentReport([
      { alpha: 0, queriesPerLanguage: undefined, evaluation: baseline },
      { alpha: 0.01, queriesPerLanguage: undefined, evaluation: better },
    ]);
    for (const latex of [false, true]) {
      const files = renderExperimentReport(data, { latex });
      expect([...files.keys()].sort()).toEqual(experimentReportFiles(["R@2kt"], false, { latex }).sort());
      expect(files.get("report.md")).toBe(experimentMarkdown(data));
      expect(JSON.parse(files.get("report.json") as string).rows[1].scores["R@2kt"].avg).toBe(0.6875);
      expect(files.get("r2kt-vs-alpha.png")).toBeInstanceOf(Uint8Array);
      expect(files.get("r2kt-vs-alpha.pdf")).toBeInstanceOf(Uint8Array);
    }
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

describe("an evaluation of qrels alone (no languages)", () => {
  it("shows its scores in the avg column and counts its queries, instead of – and none", () => {
    const qrelsOnly = (xs: number[]): Evaluation => ({
      measures: ["nDCG@10"],
      languages: [],
      counts: {},
      scores: { "nDCG@10": { avg: xs.reduce((a, b) => a + b, 0) / xs.length } },
      perQuery: xs.map((x, i) => ({ id: `q${i}`, lang: "", values: { "nDCG@10": x } })),
      tokenizer: "nltk",
    });
    const report = buildExperimentReport([
      { alpha: 0, queriesPerLanguage: undefined, evaluation: qrelsOnly([0, 0.5, 1, 0.5]) },
      { alpha: 0.01, queriesPerLanguage: undefined, evaluation: qrelsOnly([1, 0.5, 1, 0.5]) },
    ]);
    expect(report.counts).toEqual({ all: 4 });
    expect(report.rows.map((r) => r.scores["nDCG@10"]!["avg"])).toEqual([0.5, 0.75]);
    expect(report.rows[1]!.pValues!["nDCG@10"]!["avg"]).toBe(
      pairedTTest([1, 0.5, 1, 0.5], [0, 0.5, 1, 0.5]).pValue,
    );
    const markdown = experimentMarkdown(report);
    expect(markdown).not.toContain("–");
    expect(markdown).toContain("Counted queries: 4 (no languages: the avg column is the mean over them).");
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
  const build = (...evaluations: Evaluation[]) =>
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

describe("paper plots and LaTeX", () => {
  const data = buildExperimentReport([
    { alpha: 0, queriesPerLanguage: undefined, evaluation: baseline },
    { alpha: 0.01, queriesPerLanguage: undefined, evaluation: better },
  ]);

  it("records a t-based 95% confidence interval of each mean over queries", () => {
    // ar baseline: mean 1/8, s² = 1/8, t(0.975, 7) = 2.364624
    const [low, high] = data.rows[0]!.ci["R@2kt"]!["ar"]!;
    const half = (2.364624 * Math.sqrt(1 / 8)) / Math.sqrt(8);
    expect(low.toFixed(6)).toBe((0.125 - half).toFixed(6));
    expect(high.toFixed(6)).toBe((0.125 + half).toFixed(6));
    // avg: macro mean ± t(0.975, 12 − 2)·√(s²_ar/8 + s²_bn/4)/2 with s²_bn = 1/3; t(0.975, 10) = 2.228139
    const [aLow, aHigh] = data.rows[0]!.ci["R@2kt"]!["avg"]!;
    const aHalf = (2.228139 * Math.sqrt(1 / 64 + 1 / 12)) / 2;
    expect(aLow.toFixed(6)).toBe((0.3125 - aHalf).toFixed(6));
    expect(aHigh.toFixed(6)).toBe((0.3125 + aHalf).toFixed(6));
  });

  it("draws round ticks within 0–100, α as categories, the baseline line, ▲/▼ marks and error bars", () => {
    const svg = experimentPlots(data).get("r2kt-vs-alpha.svg")!;
    // the CIs span −41.8 … 141.8 (bn: n = 4): clipped to the measure's range, ticks every 20 up to 100
    const ticks = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(["0", "20", "40", "60", "80", "100"]);
    expect(svg).toContain(">R@2kt ×100 (mean, 95% CI)</text>");
    expect(svg).toContain(">α (categories, not to scale)</text>");
    expect(svg.match(/<line class="reference" [^>]*stroke-dasharray="6 4"\/>/g)).toHaveLength(1);
    // the baseline is named in the legend (right of the plot), not on its line
    expect(svg).toMatch(/<text x="(\d+)" y="[\d.]+">baseline avg<\/text>/);
    expect(Number(/<text x="(\d+)" y="[\d.]+">baseline avg/.exec(svg)![1])).toBeGreaterThan(490);
    expect(svg).toContain(">vs baseline, p &lt; 0.05</text>");
    // ar and avg at α = 0.01 are significantly better (filled up-triangles), plus the legend's ▲ and ▼
    expect(svg.match(/<path class="better" /g)).toHaveLength(3);
    expect(svg.match(/<path class="worse" /g)).toHaveLength(1);
    // one error bar per point but bn's (n = 4: 50 ± 92, past both ends of the axis): 2 series × 2 α
    expect(svg.match(/<path class="ci" /g)).toHaveLength(4);
  });

  it("keeps at most 8 series: the first 7 languages and avg, and says so", () => {
    const langs = ["l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"];
    const ev = evaluation(Object.fromEntries(langs.map((l) => [l, [0, 1, 1]])));
    const many = buildExperimentReport([{ alpha: 0, queriesPerLanguage: undefined, evaluation: ev }]);
    const svg = experimentPlots(many).get("r2kt-vs-alpha.svg")!;
    // one α: a dot per series, no lines
    expect(svg.match(/<circle /g)).toHaveLength(8);
    expect(svg).toContain(">first 7 of 9 languages shown; avg over all</text>");
  });

  it("rounds ticks to 1, 2 or 5 × 10^k", () => {
    expect(niceTicks(44.1, 46.2)).toEqual({ lo: 43.5, hi: 46.5, step: 0.5 });
    expect(niceTicks(27.5, 53.35)).toEqual({ lo: 25, hi: 55, step: 5 });
    expect(niceTicks(0.2, 0.9)).toEqual({ lo: 0, hi: 1, step: 0.2 });
  });

  it("writes a booktabs LaTeX table with daggers", () => {
    expect(experimentLatex(data)).toBe(
      [
        "\\begin{table}",
        "\\centering",
        "\\begin{tabular}{lrrr}",
        "\\toprule",
        "R@2kt & ar & bn & avg \\\\",
        "\\midrule",
        "baseline ($\\alpha = 0$) & 12.5 & 50.0 & 31.3 \\\\",
        "xQG $\\alpha = 0.01$ & $87.5^{\\dagger}$ & 50.0 & $68.8^{\\dagger}$ \\\\",
        "\\bottomrule",
        "\\end{tabular}",
        "\\caption{Scores $\\times 100$. $^{\\dagger}$ / $^{\\ddagger}$: significantly higher / lower than the baseline with $p < 0.05$ (paired two-sided t-test).}",
        "\\end{table}",
        "",
      ].join("\n"),
    );
  });
});
