/** A line chart as SVG text: one series per language plus the average, categorical x axis. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Categories, evenly spaced (not a numeric axis). */
  readonly x: readonly string[];
  readonly series: ReadonlyArray<{
    name: string;
    values: readonly number[];
    emphasis?: boolean;
    /** Points marked significant (a ring around the marker). */
    significant?: readonly boolean[];
    /** Confidence interval of each point, drawn as an error bar (NaN bounds: none). */
    ci?: ReadonlyArray<readonly [number, number]>;
  }>;
  /** A dashed horizontal reference line (e.g. the baseline's average), with its label. */
  readonly reference?: { value: number; label: string };
  /** A line under the title (e.g. which series were left out). */
  readonly note?: string;
}

/** At most this many series per chart (colours stay distinguishable). */
export const MAX_SERIES = 8;

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
const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 60, right: 130, top: 40, bottom: 50 };

export function lineChartSvg(chart: LineChart): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  if (chart.series.length > MAX_SERIES)
    throw new RangeError(`a chart draws at most ${MAX_SERIES} series, got ${chart.series.length}`);
  const all = [
    ...chart.series.flatMap((s) => [...s.values, ...(s.ci ?? []).flat()]),
    ...(chart.reference ? [chart.reference.value] : []),
  ].filter((v) => Number.isFinite(v));
  const { lo, hi, step } = niceTicks(Math.min(...all), Math.max(...all));
  const xAt = (i: number): number =>
    MARGIN.left + (chart.x.length === 1 ? plotW / 2 : (i / (chart.x.length - 1)) * plotW);
  const yAt = (v: number): number => MARGIN.top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`,
  );
  if (chart.note)
    out.push(
      `<text x="${WIDTH / 2}" y="36" text-anchor="middle" font-size="10">${escapeXml(chart.note)}</text>`,
    );
  const ticks = Math.round((hi - lo) / step);
  for (let t = 0; t <= ticks; t++) {
    const v = roundTo(lo + step * t, step);
    const y = fmt(yAt(v));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`,
    );
  }
  chart.x.forEach((label, i) => {
    const x = fmt(xAt(i));
    out.push(
      `<line x1="${x}" y1="${MARGIN.top + plotH}" x2="${x}" y2="${MARGIN.top + plotH + 4}" stroke="black"/>`,
    );
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  out.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
  );
  out.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
  );
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  if (chart.reference) {
    const y = fmt(yAt(chart.reference.value));
    out.push(
      `<line class="reference" x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#555" stroke-width="1" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<text x="${MARGIN.left + plotW - 4}" y="${fmt(yAt(chart.reference.value) - 5)}" text-anchor="end" font-size="10" fill="#555">${escapeXml(chart.reference.label)}</text>`,
    );
  }
  chart.series.forEach((s, k) => {
    const color = s.emphasis ? "black" : PALETTE[k % PALETTE.length]!;
    const width = s.emphasis ? 3 : 1.5;
    for (const [i, [low, high]] of (s.ci ?? []).entries()) {
      if (!Number.isFinite(low) || !Number.isFinite(high)) continue;
      const x = xAt(i);
      const [y1, y2] = [fmt(yAt(low)), fmt(yAt(high))];
      out.push(
        `<path class="ci" d="M${fmt(x)} ${y1}V${y2}M${fmt(x - 3)} ${y1}H${fmt(x + 3)}M${fmt(x - 3)} ${y2}H${fmt(x + 3)}" stroke="${color}" stroke-width="1" opacity="0.6"/>`,
      );
    }
    const points = s.values.map((v, i) => `${fmt(xAt(i))},${fmt(yAt(v))}`).join(" ");
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${points}"/>`);
    for (const [i, v] of s.values.entries()) {
      out.push(`<circle cx="${fmt(xAt(i))}" cy="${fmt(yAt(v))}" r="3" fill="${color}"/>`);
      if (s.significant?.[i])
        out.push(
          `<circle class="significant" cx="${fmt(xAt(i))}" cy="${fmt(yAt(v))}" r="6" fill="none" stroke="${color}" stroke-width="1.5"/>`,
        );
    }
    const ly = MARGIN.top + 10 + k * 18;
    const lx = MARGIN.left + plotW + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="${width}"/>`,
    );
    out.push(`<text x="${lx + 26}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
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
