import {
  type Correction,
  parseMeasure,
  type RktTokenizer,
  type SignificanceTest,
  significanceMark,
} from "@xqg/metrics";
import type { ExperimentReport, ExperimentRow } from "./experiment.js";
import { svgToPdf, svgToPng } from "./figures.js";
import { type ChartGeometry, type LineChart, lineChart, MAX_SERIES } from "./line-chart.js";

/** How the footnote names each test and correction (the registries' keys, so a new one must be named here). */
const TEST_TEXT = {
  t: "paired two-sided t-test",
  permutation: "paired permutation test",
} satisfies Record<SignificanceTest, string>;
const CORRECTION_TEXT = {
  none: "",
  holm: ", Holm-corrected across the α rows",
} satisfies Record<Correction, string>;

/** What the Markdown says under the tables about how R@kt tokenised passages (nothing for the official one). */
const TOKENIZER_NOTE = {
  nltk: "",
  "nltk-3.9":
    " R@kt tokenised by NLTK 3.9's word_tokenize (the official scoring used NLTK 3.8; a few passages tokenise differently).",
  treebank:
    " R@kt tokenised by NLTK's Treebank tokenizer without Punkt sentence splitting: not comparable with published numbers.",
} satisfies Record<RktTokenizer, string>;

function rowLabel(row: ExperimentRow): string {
  if (row.pValues === null) return "baseline (α = 0)";
  return `${row.system} α = ${row.alpha}`;
}

function cell(
  row: ExperimentRow,
  baseline: ExperimentRow,
  measure: string,
  column: string,
  maxP: number,
): string {
  const score = row.scores[measure]?.[column];
  // NaN: no counted query of this language for this measure
  if (score === undefined || Number.isNaN(score)) return "–";
  const p = row.pValues?.[measure]?.[column];
  const significant = p !== undefined && p < maxP;
  // unmarked scores keep the marker's place so the decimals line up
  const mark = significanceMark(significant, score, baseline.scores[measure]![column]!) || " ";
  return `${(score * 100).toFixed(1)}${mark}`;
}

function table(rows: readonly ExperimentRow[], measure: string, data: ExperimentReport): string[] {
  const columns = [...data.languages, "avg"];
  const body = rows.map((row) => [
    rowLabel(row),
    ...columns.map((c) => cell(row, data.rows[0]!, measure, c, data.test.maxP)),
  ]);
  const header = [measure, ...columns];
  // padded so the table also reads well in a terminal; the first column left-aligned, scores right-aligned
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(header), rule, ...body.map(line)];
}

/**
 * The report's files by name, as `xqg report` writes them (see `experimentReportFiles`): `report.md` (the
 * tables, scores ×100), `report.json` (the report as data, scores 0–1), `report.tex` with `latex`, and each
 * plot as SVG, PNG (1280 × 800) and PDF (vector); text files as strings, PNG and PDF as bytes.
 */
export function renderExperimentReport(
  data: ExperimentReport,
  options: { latex?: boolean | undefined } = {},
): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>([
    ["report.md", experimentMarkdown(data)],
    ["report.json", `${JSON.stringify(data, null, 2)}\n`],
  ]);
  if (options.latex) files.set("report.tex", experimentLatex(data));
  for (const [stem, chart] of experimentCharts(data)) {
    files.set(`${stem}.svg`, chart.svg);
    files.set(`${stem}.png`, svgToPng(chart.svg));
    files.set(`${stem}.pdf`, svgToPdf(chart.svg, chart.width, chart.height));
  }
  return files;
}

/** The report as Markdown: one table per measure (rows: baseline and xQG per α), then the ablation if any. */
export function experimentMarkdown(data: ExperimentReport): string {
  const test = TEST_TEXT[data.test.name];
  const correction = CORRECTION_TEXT[data.test.correction];
  const out = ["# xQG report", ""];
  for (const measure of data.measures) out.push(...table(data.rows, measure, data), "");
  out.push(
    `† better, ‡ worse than the baseline with p < ${data.test.maxP} (${test}${correction}; per language over its queries, avg over all queries).`,
    `Scores × 100.${data.measures.some((m) => parseMeasure(m).judgedBy === "answers") ? TOKENIZER_NOTE[data.tokenizer] : ""}`,
    data.languages.length === 0
      ? (data.counts["all"] ?? 0) > 0
        ? `Counted queries: ${data.counts["all"]} (no languages: the avg column is the mean over them).`
        : "Counted queries: none (no query has an answer other than yes/no)."
      : `Counted queries: ${data.languages.map((l) => `${l} ${data.counts[l]}`).join(", ")}.`,
  );
  const missing = missingLine(data);
  if (missing) out.push(missing);
  if (data.ablation) {
    out.push("", `## Generated queries per language (α = ${data.ablation.alpha})`, "");
    const rows = [data.rows[0]!, ...data.ablation.rows];
    for (const measure of data.measures) out.push(...table(rows, measure, data), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/**
 * "Missing from the run: …" when a system's run lacks judged queries (one list when every system lacks the
 * same ones, else one per system), or undefined when none does.
 */
function missingLine(data: ExperimentReport): string | undefined {
  const rows = [...data.rows, ...(data.ablation?.rows ?? [])];
  const list = (m: Readonly<Record<string, number>>) =>
    Object.entries(m)
      .map(([lang, n]) => `${lang} ${n}`)
      .join(", ");
  const lists = rows.map((r) => (r.missing ? list(r.missing) : ""));
  if (lists.every((l) => l === "")) return undefined;
  const why = data.measures.some((m) => parseMeasure(m).judgedBy === "qrels")
    ? "not counted by R@kt, as in the official script; scored 0 by the qrels measures"
    : "not counted, as in the official script";
  if (lists.every((l) => l === lists[0])) return `Missing from the run: ${lists[0]} (${why}).`;
  const each = rows.flatMap((r, i) => (lists[i] ? [`${rowLabel(r)}: ${lists[i]}`] : []));
  return `Missing from the runs: ${each.join("; ")} (${why}).`;
}

/** The file name of a measure's plot without its extension (`r2kt-vs-alpha`). */
export function plotStem(measure: string, versus: "alpha" | "queries-per-language"): string {
  return `${measure.replace(/[^A-Za-z0-9]+/g, "").toLowerCase()}-vs-${versus}`;
}

/** Each plot is written in these formats, in this order. */
export const PLOT_FORMATS = ["svg", "png", "pdf"] as const;

/** The files a report of these measures consists of: Markdown, JSON, the plots (and report.tex with `latex`). */
export function experimentReportFiles(
  measures: readonly string[],
  ablation: boolean,
  opts: { latex?: boolean | undefined } = {},
): string[] {
  const files = ["report.md", "report.json", ...(opts.latex ? ["report.tex"] : [])];
  for (const measure of measures) {
    const stems = [
      plotStem(measure, "alpha"),
      ...(ablation ? [plotStem(measure, "queries-per-language")] : []),
    ];
    for (const stem of stems) files.push(...PLOT_FORMATS.map((f) => `${stem}.${f}`));
  }
  return files;
}

/**
 * The plots by file stem: each measure vs α, and vs generated queries per language when the ablation ran.
 * Scores × 100 on round ticks, the axis within 0–100; the x axis is categorical (evenly spaced α values, not to
 * scale), each series offset a little sideways so error bars at one α do not overlap; the baseline's average
 * is a dashed reference line named in the legend; points significantly better than the baseline are filled
 * up-triangles, significantly worse down-triangles; error bars are 95% t-based confidence intervals of each
 * mean over queries, clipped to the axis. At most 8 series: the first 7 languages and the average (the chart
 * says so when languages are left out). Scores that are not defined (no counted query) are left out.
 */
export function experimentCharts(data: ExperimentReport): Map<string, ChartGeometry> {
  const plots = new Map<string, ChartGeometry>();
  const shown = data.languages.slice(0, MAX_SERIES - 1);
  const note =
    shown.length < data.languages.length
      ? `first ${shown.length} of ${data.languages.length} languages shown; avg over all`
      : undefined;
  const baseline = data.rows[0]!;
  const series = (rows: readonly ExperimentRow[], measure: string): LineChart["series"] =>
    [...shown, "avg"].map((group) => ({
      name: group,
      values: rows.map((r) => (r.scores[measure]?.[group] ?? Number.NaN) * 100),
      marks: rows.map((r) => {
        const p = r.pValues?.[measure]?.[group];
        const score = r.scores[measure]?.[group] ?? Number.NaN;
        const mark = significanceMark(
          p !== undefined && p < data.test.maxP,
          score,
          baseline.scores[measure]?.[group] ?? Number.NaN,
        );
        return mark === "†" ? "better" : mark === "‡" ? "worse" : undefined;
      }),
      ci: rows.map((r) => {
        const [low, high] = r.ci?.[measure]?.[group] ?? [Number.NaN, Number.NaN];
        return [low * 100, high * 100] as const;
      }),
      ...(group === "avg" ? { emphasis: true } : {}),
    }));
  const common = (measure: string) => ({
    yLabel: `${measure} ×100 (mean, 95% CI)`,
    range: [0, 100] as const,
    reference: { value: (baseline.scores[measure]?.["avg"] ?? Number.NaN) * 100, label: "baseline avg" },
    marksLabel: `vs baseline, p < ${data.test.maxP}`,
    ...(note ? { note } : {}),
  });
  for (const measure of data.measures) {
    plots.set(
      plotStem(measure, "alpha"),
      lineChart({
        title: `${measure} vs α`,
        xLabel: "α (categories, not to scale)",
        x: data.rows.map((r) => String(r.alpha)),
        series: series(data.rows, measure),
        ...common(measure),
      }),
    );
    if (data.ablation) {
      plots.set(
        plotStem(measure, "queries-per-language"),
        lineChart({
          title: `${measure} vs generated queries per language (α = ${data.ablation.alpha})`,
          xLabel: "generated queries per language (categories)",
          x: ["0", ...data.ablation.rows.map((r) => String(r.queriesPerLanguage))],
          series: series([baseline, ...data.ablation.rows], measure),
          ...common(measure),
        }),
      );
    }
  }
  return plots;
}

/** The plots as SVG text by file name (`r2kt-vs-alpha.svg`). */
export function experimentPlots(data: ExperimentReport): Map<string, string> {
  return new Map([...experimentCharts(data)].map(([stem, chart]) => [`${stem}.svg`, chart.svg]));
}

/** A measure's name in LaTeX math-safe text (`R@2kt` → `R@2kt`, `_` and `%` escaped). */
function latexText(text: string): string {
  return text
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([&%$#_{}])/g, "\\$1")
    .replace(/α/g, "$\\alpha$");
}

function latexRowLabel(row: ExperimentRow): string {
  if (row.pValues === null) return "baseline ($\\alpha = 0$)";
  const system = row.queriesPerLanguage ? `xQG (${row.queriesPerLanguage} per language)` : "xQG";
  return `${system} $\\alpha = ${row.alpha}$`;
}

/**
 * The report as a LaTeX table (booktabs): one block per measure, rows baseline and xQG per α (then the
 * ablation), columns the languages and avg, scores × 100 with one decimal; `^{\dagger}` / `^{\ddagger}`
 * mark significantly higher / lower than the baseline. Needs `\usepackage{booktabs}`.
 */
export function experimentLatex(data: ExperimentReport): string {
  const columns = [...data.languages, "avg"];
  const rows = [...data.rows, ...(data.ablation?.rows ?? [])];
  const baseline = data.rows[0]!;
  const out = [
    "\\begin{table}",
    "\\centering",
    `\\begin{tabular}{l${"r".repeat(columns.length)}}`,
    "\\toprule",
  ];
  data.measures.forEach((measure, k) => {
    if (k > 0) out.push("\\midrule");
    out.push(`${latexText(measure)} & ${columns.map(latexText).join(" & ")} \\\\`, "\\midrule");
    for (const row of rows) {
      const cells = columns.map((c) => {
        const score = row.scores[measure]?.[c];
        if (score === undefined || Number.isNaN(score)) return "--";
        const p = row.pValues?.[measure]?.[c];
        const mark = significanceMark(
          p !== undefined && p < data.test.maxP,
          score,
          baseline.scores[measure]![c]!,
        );
        const text = (score * 100).toFixed(1);
        return mark === "†" ? `$${text}^{\\dagger}$` : mark === "‡" ? `$${text}^{\\ddagger}$` : text;
      });
      out.push(`${latexRowLabel(row)} & ${cells.join(" & ")} \\\\`);
    }
  });
  const test = TEST_TEXT[data.test.name];
  const correction = CORRECTION_TEXT[data.test.correction];
  out.push(
    "\\bottomrule",
    "\\end{tabular}",
    `\\caption{Scores $\\times 100$. $^{\\dagger}$ / $^{\\ddagger}$: significantly higher / lower than the baseline with $p < ${data.test.maxP}$ (${latexText(test + correction)}).}`,
    "\\end{table}",
  );
  return `${out.join("\n")}\n`;
}
