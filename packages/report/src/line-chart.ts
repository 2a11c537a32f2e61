/** A line chart: one series per language plus the average, categorical x axis. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Categories, evenly spaced (not a numeric axis). */
  readonly x: readonly string[];
  /**
   * The measure's range on this scale (e.g. [0, 100] for a recall ×100): the axis never leaves it, and error
   * bars are clipped to the axis. Default: [0, +∞).
   */
  readonly range?: readonly [number, number];
  readonly series: ReadonlyArray<{
    name: string;
    /** NaN: no point (the line breaks there). */
    values: readonly number[];
    emphasis?: boolean;
    /** Points significantly better (filled ▲) or worse (filled ▼) than the baseline; others are dots. */
    marks?: ReadonlyArray<"better" | "worse" | undefined>;
    /** Confidence interval of each point, drawn as an error bar (NaN bounds: none). */
    ci?: ReadonlyArray<readonly [number, number]>;
  }>;
  /** A dashed horizontal reference line (e.g. the baseline's average), named in the legend. */
  readonly reference?: { value: number; label: string };
  /** What the ▲ / ▼ marks mean, for the legend (e.g. "p < 0.05"); without it they are not in the legend. */
  readonly marksLabel?: string;
  /** A line under the title (e.g. which series were left out). */
  readonly note?: string;
}

/** One drawn mark and its centre, in SVG user units (the tests check each lies inside the plot). */
export interface ChartMark {
  readonly series: string;
  readonly kind: "point" | "better" | "worse" | "ci-low" | "ci-high";
  readonly x: number;
  readonly y: number;
}

/** A chart's SVG and its geometry: the plot rectangle and every data mark drawn in it. */
export interface ChartGeometry {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly plot: {
    readonly left: number;
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
  };
  readonly marks: readonly ChartMark[];
}

/** At most this many series per chart (colours stay distinguishable). */
export const MAX_SERIES = 8;

/** The font the charts name; the PNG and PDF renderers embed the same font file, so all three look alike. */
export const CHART_FONT = "DejaVu Sans";

const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
];
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 400;
const MARGIN = { left: 60, right: 150, top: 44, bottom: 50 };
/** Space between the plot's sides and the first and last category, so dodged marks stay inside. */
const X_PAD = 28;
/** Largest horizontal offset between neighbouring series at one category. */
const MAX_DODGE = 5;
const TRIANGLE = 5;

export function lineChart(chart: LineChart): ChartGeometry {
  const plotW = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    right: MARGIN.left + plotW,
    bottom: MARGIN.top + plotH,
  };
  if (chart.series.length > MAX_SERIES)
    throw new RangeError(`a chart draws at most ${MAX_SERIES} series, got ${chart.series.length}`);
  const [rangeLo, rangeHi] = chart.range ?? [0, Number.POSITIVE_INFINITY];
  const inRange = (v: number) => Math.min(rangeHi, Math.max(rangeLo, v));
  const all = [
    ...chart.series.flatMap((s) => [...s.values, ...(s.ci ?? []).flat()]),
    ...(chart.reference ? [chart.reference.value] : []),
  ]
    .filter((v) => Number.isFinite(v))
    .map(inRange);
  const ticks = niceTicks(all.length ? Math.min(...all) : rangeLo, all.length ? Math.max(...all) : rangeLo);
  const lo = Math.max(rangeLo, ticks.lo);
  const hi = Math.min(rangeHi, ticks.hi);
  const step = ticks.step;
  const n = chart.x.length;
  const innerW = plotW - 2 * X_PAD;
  const xAt = (i: number): number => plot.left + X_PAD + (n === 1 ? innerW / 2 : (i / (n - 1)) * innerW);
  const spacing = n === 1 ? innerW : innerW / (n - 1);
  const dodge = Math.min(MAX_DODGE, (spacing * 0.4) / Math.max(1, chart.series.length));
  const offset = (k: number) => (k - (chart.series.length - 1) / 2) * dodge;
  const yAt = (v: number): number => plot.bottom - ((v - lo) / (hi - lo)) * plotH;
  const marks: ChartMark[] = [];
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="${CHART_FONT}, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="white"/>`);
  out.push(
    `<text x="${CHART_WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`,
  );
  if (chart.note)
    out.push(
      `<text x="${CHART_WIDTH / 2}" y="37" text-anchor="middle" font-size="10">${escapeXml(chart.note)}</text>`,
    );
  const tickCount = Math.round((hi - lo) / step);
  for (let t = 0; t <= tickCount; t++) {
    const v = roundTo(lo + step * t, step);
    if (v > hi + step / 1e6) break;
    const y = fmt(yAt(v));
    out.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${plot.left - 6}" y="${fmt(yAt(v) + 4)}" text-anchor="end">${fmt(v)}</text>`);
  }
  chart.x.forEach((label, i) => {
    const x = fmt(xAt(i));
    out.push(`<line x1="${x}" y1="${plot.bottom}" x2="${x}" y2="${plot.bottom + 4}" stroke="black"/>`);
    out.push(`<text x="${x}" y="${plot.bottom + 18}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  out.push(
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="black"/>`,
  );
  out.push(`<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}" stroke="black"/>`);
  out.push(
    `<text x="${plot.left + plotW / 2}" y="${CHART_HEIGHT - 10}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(16 ${plot.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  if (chart.reference && Number.isFinite(chart.reference.value)) {
    const y = fmt(yAt(inRange(chart.reference.value)));
    out.push(
      `<line class="reference" x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#555" stroke-width="1" stroke-dasharray="6 4"/>`,
    );
  }
  // the legend, right of the plot: series, then the reference line and the marks (no label inside the plot)
  const lx = plot.right + 16;
  let ly = plot.top + 8;
  const legendText = (text: string) =>
    out.push(`<text x="${lx + 26}" y="${fmt(ly + 4)}">${escapeXml(text)}</text>`);
  chart.series.forEach((s, k) => {
    const color = s.emphasis ? "black" : PALETTE[k % PALETTE.length]!;
    const width = s.emphasis ? 3 : 1.5;
    const dx = offset(k);
    for (const [i, [low, high]] of (s.ci ?? []).entries()) {
      if (!Number.isFinite(low) || !Number.isFinite(high) || !Number.isFinite(s.values[i]!)) continue;
      // clipped to the axis; a clipped end has no cap, so it reads as running on; a bar past both ends (it
      // says nothing the axis does not) is left out
      if (low < lo && high > hi) continue;
      const [a, b] = [Math.max(lo, low), Math.min(hi, high)];
      if (a >= b) continue;
      const x = xAt(i) + dx;
      const [y1, y2] = [yAt(a), yAt(b)];
      const caps = [
        ...(low >= lo ? [`M${fmt(x - 2.5)} ${fmt(y1)}H${fmt(x + 2.5)}`] : []),
        ...(high <= hi ? [`M${fmt(x - 2.5)} ${fmt(y2)}H${fmt(x + 2.5)}`] : []),
      ];
      out.push(
        `<path class="ci" d="M${fmt(x)} ${fmt(y1)}V${fmt(y2)}${caps.join("")}" stroke="${color}" stroke-width="1" opacity="0.55"/>`,
      );
      marks.push({ series: s.name, kind: "ci-low", x, y: y1 }, { series: s.name, kind: "ci-high", x, y: y2 });
    }
    // one polyline per run of defined values
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1)
        out.push(
          `<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${run.join(" ")}"/>`,
        );
      run = [];
    };
    for (const [i, v] of s.values.entries()) {
      if (!Number.isFinite(v)) {
        flush();
        continue;
      }
      run.push(`${fmt(xAt(i) + dx)},${fmt(yAt(inRange(v)))}`);
    }
    flush();
    for (const [i, v] of s.values.entries()) {
      if (!Number.isFinite(v)) continue;
      const [x, y] = [xAt(i) + dx, yAt(inRange(v))];
      const mark = s.marks?.[i];
      if (mark) {
        out.push(triangle(mark, x, y, color));
        marks.push({ series: s.name, kind: mark, x, y });
      } else {
        out.push(`<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${s.emphasis ? 3.5 : 2.5}" fill="${color}"/>`);
        marks.push({ series: s.name, kind: "point", x, y });
      }
    }
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="${width}"/>`,
    );
    legendText(s.name);
    ly += 18;
  });
  if (chart.reference) {
    ly += 4;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="#555" stroke-width="1" stroke-dasharray="6 4"/>`,
    );
    legendText(chart.reference.label);
    ly += 18;
  }
  if (chart.marksLabel) {
    ly += 4;
    for (const [kind, text] of [
      ["better", "better"],
      ["worse", "worse"],
    ] as const) {
      out.push(triangle(kind, lx + 10, ly, "#333"));
      legendText(text);
      ly += 16;
    }
    out.push(`<text x="${lx}" y="${fmt(ly + 4)}" font-size="10">${escapeXml(chart.marksLabel)}</text>`);
  }
  out.push("</svg>");
  return { svg: `${out.join("\n")}\n`, width: CHART_WIDTH, height: CHART_HEIGHT, plot, marks };
}

/** The chart as SVG text. */
export function lineChartSvg(chart: LineChart): string {
  return lineChart(chart).svg;
}

function triangle(kind: "better" | "worse", x: number, y: number, color: string): string {
  const h = TRIANGLE;
  const d =
    kind === "better"
      ? `M${fmt(x)} ${fmt(y - h)}L${fmt(x + h)} ${fmt(y + h * 0.75)}L${fmt(x - h)} ${fmt(y + h * 0.75)}Z`
      : `M${fmt(x)} ${fmt(y + h)}L${fmt(x + h)} ${fmt(y - h * 0.75)}L${fmt(x - h)} ${fmt(y - h * 0.75)}Z`;
  return `<path class="${kind}" d="${d}" fill="${color}" stroke="white" stroke-width="0.75"/>`;
}

/**
 * A y range on round ticks: the step is 1, 2 or 5 × 10^k giving 4 to 10 intervals over [min, max] padded by
 * 5%, and both ends are multiples of it (never below 0).
 */
export function niceTicks(min: number, max: number): { lo: number; hi: number; step: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { lo: 0, hi: 1, step: 0.2 };
  const pad = max === min ? Math.max(1, Math.abs(max) * 0.1) : (max - min) * 0.05;
  const [a, b] = [Math.max(0, min - pad), max + pad];
  const raw = (b - a) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => (b - a) / s <= 6) ?? 10 * mag;
  return {
    lo: roundTo(Math.floor(a / step) * step, step),
    hi: roundTo(Math.ceil(b / step) * step, step),
    step,
  };
}

/** v without the float noise of step arithmetic (0.30000000000000004 → 0.3). */
function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(decimals));
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
