/** A line chart as SVG text: one series per language plus the average, categorical x axis. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: readonly string[];
  readonly series: ReadonlyArray<{ name: string; values: readonly number[]; emphasis?: boolean }>;
}

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
  const all = chart.series.flatMap((s) => s.values);
  const [lo, hi] = niceRange(Math.min(...all), Math.max(...all));
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
  const ticks = 5;
  for (let t = 0; t <= ticks; t++) {
    const v = lo + ((hi - lo) * t) / ticks;
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
  chart.series.forEach((s, k) => {
    const color = s.emphasis ? "black" : PALETTE[k % PALETTE.length]!;
    const width = s.emphasis ? 3 : 1.5;
    const points = s.values.map((v, i) => `${fmt(xAt(i))},${fmt(yAt(v))}`).join(" ");
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${points}"/>`);
    for (const [i, v] of s.values.entries()) {
      out.push(`<circle cx="${fmt(xAt(i))}" cy="${fmt(yAt(v))}" r="3" fill="${color}"/>`);
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

function niceRange(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return [Math.max(0, min - 1), max + 1];
  const pad = (max - min) * 0.1;
  return [Math.max(0, Math.floor(min - pad)), Math.ceil(max + pad)];
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
