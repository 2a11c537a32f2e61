// System names and the units behind them, tested on the plan as data (no model runs).
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { planUnits } from "../src/plan.js";

const MINIMAL = "corpus: c.jsonl\nqueries: q.jsonl\nencoder: enc\ngenerator: gen\n";
const plan = (extra: string) =>
  planUnits(parseConfig(`${MINIMAL}${extra}`, "exp.yaml", "/work/exp/exp.yaml"));
const keys = (extra: string) => plan(extra).units.map((u) => u.key);

function errorOf(extra: string): string {
  try {
    parseConfig(`${MINIMAL}${extra}`, "exp.yaml", "/work/exp/exp.yaml");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("system names", () => {
  it("never gives an ablation point the baseline's name", () => {
    expect(errorOf("ablation:\n  queriesPerLanguage: [1]\n  alpha: 0\n")).toBe(
      "exp.yaml:7: ablation.alpha: expected an α in [1e-12, 1], got 0 (at α = 0 the generated queries count for nothing)",
    );
  });

  it("refuses α values that would share a name", () => {
    expect(errorOf("fuse:\n  alphas: [0, 0.5, 0.5000000000001]\n")).toBe(
      "exp.yaml:6: fuse.alphas[2]: 0.5 and 0.5000000000001 would both be named alpha-0.5 (α is written to 12 decimals); keep one",
    );
  });

  it("refuses an α too small to be named", () => {
    expect(errorOf("fuse:\n  alphas: [0, 1e-13]\n")).toBe(
      "exp.yaml:6: fuse.alphas[1]: 1e-13 is below 1e-12, the smallest α other than 0 that xqg names",
    );
  });

  it("shows NaN and Infinity as written, not as null", () => {
    expect(errorOf("fuse:\n  alphas: [0, .nan]\n")).toBe(
      "exp.yaml:6: fuse.alphas[1]: expected a non-empty list of numbers in [0, 1], got NaN",
    );
    expect(errorOf("fuse:\n  alphas: [0, .inf]\n")).toBe(
      "exp.yaml:6: fuse.alphas[1]: expected a non-empty list of numbers in [0, 1], got Infinity",
    );
  });
});

describe("an ablation point that keeps every generated query", () => {
  it("reuses the full Σq and the fused system instead of storing byte-identical copies", () => {
    const all = keys("fuse:\n  alphas: [0, 0.01]\nablation:\n  queriesPerLanguage: [1, 5]\n  alpha: 0.01\n");
    expect(all).toContain("encode-generated.first-1");
    expect(all).toContain("fuse.first-1-alpha-0.01");
    expect(all).toContain("search.first-1-alpha-0.01");
    expect(all.filter((k) => k.includes("first-5"))).toEqual([]);
    const report = plan(
      "fuse:\n  alphas: [0, 0.01]\nablation:\n  queriesPerLanguage: [1, 5]\n  alpha: 0.01\n",
    ).units.find((u) => u.key === "report")!;
    expect(report.deps).toContain("evaluate.alpha-0.01");
  });

  it("fuses from the full Σq when its α is not one the run fuses", () => {
    const all = keys("fuse:\n  alphas: [0, 0.01]\nablation:\n  queriesPerLanguage: [5]\n  alpha: 0.1\n");
    expect(all).toContain("fuse.first-5-alpha-0.1");
    expect(all.filter((k) => k.startsWith("encode-generated"))).toEqual(["encode-generated"]);
  });

  it("keeps its own Σq when the run reads queries made elsewhere (their count is not known)", () => {
    const all = keys("generated: g.jsonl\nablation:\n  queriesPerLanguage: [5]\n  alpha: 0.01\n");
    expect(all).toContain("encode-generated.first-5");
  });
});
