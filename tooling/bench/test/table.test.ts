import { describe, expect, it } from "vitest";
import { formatTable } from "../src/index.js";

describe("formatTable", () => {
  it("renders aligned Markdown with numbers rounded by magnitude", () => {
    const table = formatTable([
      { impl: "xqg", "MB/s": 512.345, ratio: 1.234 },
      { impl: "naive readline", "MB/s": 98.7, ratio: 0.05 },
    ]);
    expect(table).toBe(
      [
        "| impl           | MB/s  | ratio  |",
        "| -------------- | ----- | ------ |",
        "| xqg            | 512   | 1.23   |",
        "| naive readline | 98.70 | 0.0500 |",
      ].join("\n"),
    );
  });

  it("returns an empty string for no rows", () => {
    expect(formatTable([])).toBe("");
  });
});
