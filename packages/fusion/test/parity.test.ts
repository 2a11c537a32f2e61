import { join } from "node:path";
import { readNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { augment, augmentFiles, combineLanguages, createQuerySumAccumulator } from "../src/index.js";

// Expected values computed independently with NumPy (float32), by
//   /usr/bin/python3 packages/fusion/test/parity-reference.py      (NumPy 1.24.2)
// which prints each line below; the inputs here are the same literals as in that script.
const EXPECTED = {
  S: [
    1.3299999237060547, 1.9199999570846558, -2.6700000762939453, 3.940000057220459, -0.3999999761581421,
    1.0499999523162842, -0.574999988079071, 0.6625000238418579, 0, 0, 0, 0,
  ],
  counts: [3, 2, 0],
  sumAlpha001: [
    0.11230000108480453, -0.17880000174045563, 0.270300030708313, 0.7324000000953674, 1.4810000658035278,
    0.2580000162124634, -3.0747499465942383, 0.01652500033378601, 0.32670000195503235, 0.6534000039100647,
    0.9801000356674194, -0.4950000047683716,
  ],
  sumAlpha05: [
    0.7149999737739563, 0.85999995470047, -1.1850000619888306, 2.319999933242798, 0.550000011920929,
    0.6499999761581421, -1.837499976158142, 0.3362500071525574, 0.16500000655651093, 0.33000001311302185,
    0.4950000047683716, -0.25,
  ],
  meanAlpha05: [
    0.27166664600372314, 0.2199999988079071, -0.29500001668930054, 1.006666660308838, 0.6499999761581421,
    0.38749998807907104, -1.6937499046325684, 0.1706250011920929, 0.16500000655651093, 0.33000001311302185,
    0.4950000047683716, -0.25,
  ],
  weightsAlpha05: [
    0.4625000059604645, 0.35499998927116394, -0.4274999797344208, 1.309999942779541, 0.30000001192092896,
    0.5249999761581421, -1.899999976158142, 0.3050000071525574, 0.16500000655651093, 0.33000001311302185,
    0.4950000047683716, -0.25,
  ],
  koOnlyAlpha05: [
    0.05000000074505806, -0.10000000149011612, 0.15000000596046448, 0.3499999940395355, 1, 0.25,
    -1.4874999523162842, 0.036249998956918716, 0.16500000655651093, 0.33000001311302185, 0.4950000047683716,
    -0.25,
  ],
  renormAlpha05: [
    0.25220105051994324, 0.3033467233181, -0.4179835915565491, 0.818330705165863, 0.2679114043712616,
    0.3166225552558899, -0.8950676321983337, 0.16379129886627197, 0.24772150814533234, 0.4954430162906647,
    0.7431644797325134, -0.37533560395240784,
  ],
};
const f32 = (values: number[]) => Float32Array.from(values);

const P = f32([0.1, -0.2, 0.3, 0.7, 1.5, 0.25, -3.1, 0.01, 0.33, 0.66, 0.99, -0.5]);
const BLOCKS = [
  {
    lang: "ar",
    passageIndex: [0, 1, 0],
    vectors: f32([0.11, 0.12, 0.13, 0.14, -0.9, 0.8, -0.7, 0.6, 0.21, -0.22, 0.23, -0.24]),
  },
  { lang: "bn", passageIndex: [0], vectors: f32([1.01, 2.02, -3.03, 4.04]) },
  { lang: "ko", passageIndex: [1], vectors: f32([0.5, 0.25, 0.125, 0.0625]) },
] as const;

function accumulate(languages?: Array<"ar" | "bn" | "ko">) {
  const acc = createQuerySumAccumulator({ passages: 3, dim: 4, ...(languages ? { languages } : {}) });
  for (const b of BLOCKS) acc.add({ ...b, passageIndex: [...b.passageIndex] });
  return acc;
}

describe("parity with NumPy (float32)", () => {
  it("the accumulator's Σq and counts equal NumPy's sum over each passage's stacked queries", () => {
    const acc = accumulate();
    expect(acc.sums()).toEqual(f32(EXPECTED.S));
    expect(Array.from(acc.counts())).toEqual(EXPECTED.counts);
    expect(acc.queries).toBe(5);
  });

  it("augment: p' = (1 − α)·p + α·Σq, with α = 0.01 by default", () => {
    const S = f32(EXPECTED.S);
    expect(augment(P, S, { dim: 4 })).toEqual(f32(EXPECTED.sumAlpha001));
    expect(augment(P, S, { dim: 4, alpha: 0.5 })).toEqual(f32(EXPECTED.sumAlpha05));
    expect(augment(P, S, { dim: 4, alpha: 0.5, reduce: "mean", counts: EXPECTED.counts })).toEqual(
      f32(EXPECTED.meanAlpha05),
    );
    expect(augment(P, S, { dim: 4, alpha: 0.5, renormalize: true })).toEqual(f32(EXPECTED.renormAlpha05));
  });

  it("per-language weights and language subsets", () => {
    const acc = accumulate(["ar", "bn", "ko"]);
    return withTempDir(async (dir) => {
      const files = await acc.finish(join(dir, "sums.npy"));
      const sums = {
        ar: (await readNpy(files.languageSums.ar!)).data,
        bn: (await readNpy(files.languageSums.bn!)).data,
        ko: (await readNpy(files.languageSums.ko!)).data,
      };
      const weighted = combineLanguages(sums, { weights: { ar: 1, bn: 0.5 } }).sum;
      expect(augment(P, weighted, { dim: 4, alpha: 0.5 })).toEqual(f32(EXPECTED.weightsAlpha05));
      const ko = combineLanguages(sums, { languages: ["ko"] }).sum;
      expect(augment(P, ko, { dim: 4, alpha: 0.5 })).toEqual(f32(EXPECTED.koOnlyAlpha05));
    });
  });

  it("augmentFiles and sweepAlpha give the same numbers from .npy files", () =>
    withTempDir(async (dir) => {
      const { writeNpy } = await import("@xqg/corpus");
      const passages = join(dir, "p.npy");
      await writeNpy(passages, P, { dim: 4 });
      const files = await accumulate(["ar", "bn", "ko"]).finish(join(dir, "s.npy"));
      const run = async (name: string, options: object) => {
        await augmentFiles({
          passages,
          sums: files.sums,
          out: join(dir, name),
          alpha: 0.5,
          blockRows: 2,
          ...options,
        });
        return (await readNpy(join(dir, name))).data;
      };
      expect(await run("sum.npy", {})).toEqual(f32(EXPECTED.sumAlpha05));
      expect(await run("mean.npy", { reduce: "mean" })).toEqual(f32(EXPECTED.meanAlpha05));
      expect(await run("w.npy", { weights: { ar: 1, bn: 0.5 } })).toEqual(f32(EXPECTED.weightsAlpha05));
      expect(await run("ko.npy", { languages: ["ko"] })).toEqual(f32(EXPECTED.koOnlyAlpha05));
      expect(await run("n.npy", { renormalize: true })).toEqual(f32(EXPECTED.renormAlpha05));
      await augmentFiles({ passages, sums: files.sums, out: join(dir, "default.npy") });
      expect((await readNpy(join(dir, "default.npy"))).data).toEqual(f32(EXPECTED.sumAlpha001));
    }));
});
