import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { CHART_FONT } from "./line-chart.js";

// The charts' font (DejaVu Sans, from the dejavu-fonts-ttf package) is embedded by both renderers, so PNG and
// PDF look the same on every machine and need no system fonts.
const resolveHere = createRequire(import.meta.url).resolve;
let fontFile: string | undefined;
function chartFontFile(): string {
  fontFile ??= resolveHere("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
  return fontFile;
}

/** PNG pixels per SVG unit: 640 × 400 charts become 1280 × 800 images (print-sharp at about 8 cm wide). */
export const PNG_SCALE = 2;

/** A chart's SVG as PNG (resvg), at {@link PNG_SCALE} times its size. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: PNG_SCALE },
    background: "white",
    font: { fontFiles: [chartFontFile()], loadSystemFonts: false, defaultFontFamily: CHART_FONT },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** A chart's SVG as a one-page PDF of the same size in points (PDFKit with svg-to-pdfkit; vector, font embedded). */
export function svgToPdf(svg: string, width: number, height: number): Uint8Array {
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    // a fixed date, so the same chart gives the same bytes
    info: { Creator: "@xqg/report", Producer: "PDFKit", CreationDate: new Date(0) },
  });
  doc.registerFont(CHART_FONT, chartFontFile());
  // SVG units are taken as points, so the page is the chart at its own size
  SVGtoPDF(doc, svg, 0, 0, { width, height, assumePt: true, fontCallback: () => CHART_FONT });
  doc.end();
  // PDFKit writes synchronously into the stream's buffer; read it all back without waiting
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null)
    chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}
