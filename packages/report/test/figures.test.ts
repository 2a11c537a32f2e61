import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import type { Evaluation } from "@xqg/metrics";
import { describe, expect, it } from "vitest";
import { PNG_SCALE } from "../src/figures.js";
import { buildExperimentReport, renderExperimentReport } from "../src/index.js";
import { lineChart } from "../src/line-chart.js";
import { experimentCharts } from "../src/render.js";
import { evaluation } from "./helpers.js";

// The hard case for a figure: 7 languages + avg (8 series) at 4 α and 3 ablation points, scores near 0 and
// near 1 with few queries (95% CIs from below 0 to above 100), significantly better and worse points.

const LANGS = ["ar", "bn", "fi", "ja", "ko", "ru", "te"];
/** n binary values, the first `ones` of them 1 (so a system with more ones is better on exactly those). */
const bits = (n: number, ones: number) => Array.from({ length: n }, (_, i) => (i < ones ? 1 : 0));
/** System s: ar/bn climb with s (better), fi falls (worse), ja stays near 1 with 4 queries, te near 0. */
function system(s: number): Evaluation {
  return evaluation({
    ar: bits(20, Math.min(20, 4 + 5 * s)),
    bn: bits(20, Math.min(20, 6 + 4 * s)),
    fi: bits(20, Math.max(0, 16 - 5 * s)),
    ja: [1, 1, 1, s % 2],
    ko: bits(12, 6 + (s % 2)),
    ru: bits(16, 8),
    te: [0, 0, 0, s > 1 ? 1 : 0],
  });
}

const data = buildExperimentReport([
  ...[0, 0.01, 0.1, 0.5].map((alpha, s) => ({ alpha, queriesPerLanguage: undefined, evaluation: system(s) })),
  ...[10, 50, 100].map((q, s) => ({ alpha: 0.1, queriesPerLanguage: q, evaluation: system(s + 1) })),
]);

/** Width, height and raw scanlines of a PNG (8-bit RGBA, as resvg writes), checking its structure. */
function decodePng(png: Uint8Array): { width: number; height: number; pixels: Buffer } {
  const buf = Buffer.from(png);
  expect(buf.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
  let offset = 8;
  let header: { width: number; height: number; depth: number; colour: number } | undefined;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString("latin1", offset + 4, offset + 8);
    const body = buf.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR")
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        depth: body[8]!,
        colour: body[9]!,
      };
    if (type === "IDAT") idat.push(body);
    offset += 12 + length;
    if (type === "IEND") break;
  }
  expect(offset).toBe(buf.length);
  expect(header).toMatchObject({ depth: 8, colour: 6 });
  const pixels = inflateSync(Buffer.concat(idat));
  // one filter byte and width × 4 bytes per row
  expect(pixels.length).toBe(header!.height * (1 + header!.width * 4));
  return { width: header!.width, height: header!.height, pixels };
}

describe("paper-ready figures", () => {
  const charts = experimentCharts(data);
  const files = renderExperimentReport(data);

  it("draws every mark inside the plot: axis within 0–100, whiskers clipped, points dodged", () => {
    expect([...charts.keys()]).toEqual(["r2kt-vs-alpha", "r2kt-vs-queries-per-language"]);
    for (const [stem, chart] of charts) {
      const { plot, marks } = chart;
      // 8 series × 4 x positions: a point or a triangle each, and error bars where n ≥ 2
      expect(marks.filter((m) => m.kind !== "ci-low" && m.kind !== "ci-high")).toHaveLength(32);
      const outside = marks.filter(
        (m) => !(m.x >= plot.left && m.x <= plot.right && m.y >= plot.top && m.y <= plot.bottom),
      );
      expect({ stem, outside }).toEqual({ stem, outside: [] });
      // the axis stops at 100 and 0: the top and bottom whiskers end exactly on the plot's edges
      expect(Math.min(...marks.map((m) => m.y))).toBe(plot.top);
      expect(Math.max(...marks.map((m) => m.y))).toBe(plot.bottom);
      expect(chart.svg).toMatch(/>100<\/text>/);
      expect(chart.svg).not.toMatch(/>1[1-9]0<\/text>/);
    }
    // the 8 series at one α sit at 8 distinct x positions (dodged), in series order
    const alpha = charts.get("r2kt-vs-alpha")!;
    const xsAt = (series: string) =>
      alpha.marks.filter((m) => m.series === series && !m.kind.startsWith("ci"));
    const firstX = [...LANGS, "avg"].map((s) => xsAt(s)[0]!.x);
    expect(new Set(firstX).size).toBe(8);
    expect(firstX).toEqual([...firstX].sort((a, b) => a - b));
  });

  it("marks significantly better points ▲ and worse ▼, and names the baseline in the legend", () => {
    const alpha = charts.get("r2kt-vs-alpha")!;
    const kinds = (series: string) =>
      alpha.marks.filter((m) => m.series === series && !m.kind.startsWith("ci")).map((m) => m.kind);
    // ar climbs 20% → 95% and fi falls 80% → 5% of 20 queries, 5 queries a step: p < 0.05 at every α
    expect(kinds("ar")).toEqual(["point", "better", "better", "better"]);
    expect(kinds("fi")).toEqual(["point", "worse", "worse", "worse"]);
    expect(kinds("ru")).toEqual(["point", "point", "point", "point"]);
    expect(alpha.svg).toContain(">baseline avg</text>");
    expect(alpha.svg).not.toMatch(/<text x="[0-4]\d{0,2}(\.\d+)?" [^>]*>baseline avg/);
  });

  it("writes each figure as SVG, a decodable 1280 × 800 PNG and a one-page vector PDF", () => {
    for (const stem of charts.keys()) {
      const svg = files.get(`${stem}.svg`);
      expect(typeof svg).toBe("string");
      const png = decodePng(files.get(`${stem}.png`) as Uint8Array);
      expect([png.width, png.height]).toEqual([640 * PNG_SCALE, 400 * PNG_SCALE]);
      // not a blank page: many scanline bytes are neither white nor transparent
      const ink = png.pixels.filter((b) => b !== 255 && b !== 0).length;
      expect(ink).toBeGreaterThan(10_000);
      const pdf = Buffer.from(files.get(`${stem}.pdf`) as Uint8Array).toString("latin1");
      expect(pdf.startsWith("%PDF-1.3")).toBe(true);
      expect(pdf.trimEnd().endsWith("%%EOF")).toBe(true);
      expect(pdf).toContain("/MediaBox [0 0 640 400]");
      expect(pdf.match(/\/Type \/Page\b/g)).toHaveLength(1);
      // the chart font is embedded (α, × and the ▲ legend need more than the PDF standard fonts)
      expect(pdf).toContain("/FontFile2");
      if (process.env["XQG_FIGURES_OUT"]) {
        for (const ext of ["svg", "png", "pdf"])
          writeFileSync(join(process.env["XQG_FIGURES_OUT"], `${stem}.${ext}`), files.get(`${stem}.${ext}`)!);
      }
    }
    // the same chart gives the same bytes
    expect(Buffer.from(renderExperimentReport(data).get("r2kt-vs-alpha.pdf") as Uint8Array)).toEqual(
      Buffer.from(files.get("r2kt-vs-alpha.pdf") as Uint8Array),
    );
  });

  it("leaves out undefined scores instead of drawing them at the edge", () => {
    const chart = lineChart({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      x: ["a", "b", "c"],
      range: [0, 100],
      series: [
        {
          name: "s",
          values: [50, Number.NaN, 130],
          ci: [
            [40, 60],
            [Number.NaN, Number.NaN],
            [120, 140],
          ],
        },
      ],
    });
    expect(chart.marks.map((m) => m.kind)).toEqual(["ci-low", "ci-high", "point", "point"]);
    expect(chart.marks.every((m) => m.y >= chart.plot.top && m.y <= chart.plot.bottom)).toBe(true);
    expect(chart.svg).not.toContain("<polyline");
  });
});
