import { existsSync } from "node:fs";
import { join } from "node:path";
import { readNpy, writeNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { fuse } from "../src/index.js";
import { combineLanguages } from "../src/languages.js";
import { type QueryVectors, writeSums } from "./helpers.js";

// Expected values computed independently with NumPy (float32), by
//   /usr/bin/python3 packages/fusion/test/parity-reference.py      (NumPy 1.24.2)
// which prints each line below (exact decimals of float32 values); the inputs are that script's literals.
const EXPECTED = {
  S: [
    1.3299999237060547, 1.9199999570846558, -2.6700000762939453, 3.940000057220459, -0.3999999761581421,
    1.0499999523162842, -0.574999988079071, 0.6625000238418579, 0, 0, 0, 0,
  ],
  counts: [3, 2, 0],
};

// Each path at the paper's α, two awkward ones and 0.5 (the script's "<path> alpha=<label>" lines). At 0.5
// scaling by α is exact, so only the other rows catch a change in the order of operations.
type Path = "sum" | "mean" | "weights" | "koOnly" | "renormalize";
const BY_ALPHA: Array<{ label: string; alpha: number } & Record<Path, number[]>> = [
  {
    label: "0.01",
    alpha: 0.01,
    sum: [
      0.11230000108480453, -0.17880000174045563, 0.270300030708313, 0.7324000000953674, 1.4810000658035278,
      0.2580000162124634, -3.0747499465942383, 0.01652500033378601, 0.32670000195503235, 0.6534000039100647,
      0.9801000356674194, -0.4950000047683716,
    ],
    mean: [
      0.10343333333730698, -0.1915999948978424, 0.2881000339984894, 0.7061333656311035, 1.4830000400543213,
      0.2527500092983246, -3.0718750953674316, 0.013212500140070915, 0.32670000195503235, 0.6534000039100647,
      0.9801000356674194, -0.4950000047683716,
    ],
    weights: [
      0.10724999755620956, -0.18889999389648438, 0.2854500114917755, 0.7122000455856323, 1.4760000705718994,
      0.2554999887943268, -3.0759999752044678, 0.01590000092983246, 0.32670000195503235, 0.6534000039100647,
      0.9801000356674194, -0.4950000047683716,
    ],
    koOnly: [
      0.0989999994635582, -0.1979999989271164, 0.2970000207424164, 0.6930000185966492, 1.4900000095367432,
      0.25, -3.0677499771118164, 0.010525000281631947, 0.32670000195503235, 0.6534000039100647,
      0.9801000356674194, -0.4950000047683716,
    ],
    renormalize: [
      0.13885881006717682, -0.22108596563339233, 0.3342256247997284, 0.9056116342544556, 0.4327102303504944,
      0.07538098841905594, -0.8983631134033203, 0.004828181117773056, 0.24772149324417114, 0.4954429864883423,
      0.7431644797325134, -0.37533560395240784,
    ],
  },
  {
    label: "0.3",
    alpha: 0.3,
    sum: [
      0.468999981880188, 0.4360000491142273, -0.5910000801086426, 1.6720000505447388, 0.9299999475479126,
      0.49000000953674316, -2.3424997329711914, 0.2057500183582306, 0.23100000619888306, 0.4620000123977661,
      0.6930000185966492, -0.3499999940395355,
    ],
    mean: [
      0.203000009059906, 0.052000001072883606, -0.05700001120567322, 0.8840000033378601, 0.9899999499320984,
      0.33249998092651367, -2.2562499046325684, 0.10637500882148743, 0.23100000619888306, 0.4620000123977661,
      0.6930000185966492, -0.3499999940395355,
    ],
    weights: [
      0.3174999952316284, 0.13300000131130219, -0.13650000095367432, 1.065999984741211, 0.7799999713897705,
      0.4150000214576721, -2.379999876022339, 0.18700000643730164, 0.23100000619888306, 0.4620000123977661,
      0.6930000185966492, -0.3499999940395355,
    ],
    koOnly: [
      0.07000000029802322, -0.14000000059604645, 0.21000000834465027, 0.4899999797344208, 1.1999999284744263,
      0.25, -2.132499933242798, 0.025750000029802322, 0.23100000619888306, 0.4620000123977661,
      0.6930000185966492, -0.3499999940395355,
    ],
    renormalize: [
      0.24874696135520935, 0.2312445342540741, -0.3134530484676361, 0.886790931224823, 0.36105576157569885,
      0.19023370742797852, -0.9094334244728088, 0.07987874746322632, 0.24772150814533234, 0.4954430162906647,
      0.7431644797325134, -0.37533560395240784,
    ],
  },
  {
    label: "1/3",
    alpha: 1 / 3,
    sum: [
      0.5099999904632568, 0.5066666603088379, -0.690000057220459, 1.78000009059906, 0.8666666746139526,
      0.5166666507720947, -2.258333206176758, 0.22750000655651093, 0.2200000137090683, 0.4400000274181366,
      0.6600000262260437, -0.3333333432674408,
    ],
    mean: [
      0.21444442868232727, 0.07999999821186066, -0.09666666388511658, 0.9044444561004639, 0.9333333373069763,
      0.34166666865348816, -2.1624999046325684, 0.117083340883255, 0.2200000137090683, 0.4400000274181366,
      0.6600000262260437, -0.3333333432674408,
    ],
    weights: [
      0.34166666865348816, 0.17000000178813934, -0.1849999725818634, 1.1066666841506958, 0.699999988079071,
      0.4333333373069763, -2.299999952316284, 0.20666667819023132, 0.2200000137090683, 0.4400000274181366,
      0.6600000262260437, -0.3333333432674408,
    ],
    koOnly: [
      0.06666667014360428, -0.13333334028720856, 0.20000001788139343, 0.46666666865348816, 1.1666666269302368,
      0.25, -2.0249998569488525, 0.027499999850988388, 0.2200000137090683, 0.4400000274181366,
      0.6600000262260437, -0.3333333432674408,
    ],
    renormalize: [
      0.25000864267349243, 0.24837461113929749, -0.33824703097343445, 0.8725792765617371, 0.34891024231910706,
      0.2080041766166687, -0.9091795086860657, 0.09158894419670105, 0.24772150814533234, 0.4954430162906647,
      0.7431644797325134, -0.37533560395240784,
    ],
  },
  {
    label: "0.5",
    alpha: 0.5,
    sum: [
      0.7149999737739563, 0.85999995470047, -1.1850000619888306, 2.319999933242798, 0.550000011920929,
      0.6499999761581421, -1.837499976158142, 0.3362500071525574, 0.16500000655651093, 0.33000001311302185,
      0.4950000047683716, -0.25,
    ],
    mean: [
      0.27166664600372314, 0.2199999988079071, -0.29500001668930054, 1.006666660308838, 0.6499999761581421,
      0.38749998807907104, -1.6937499046325684, 0.1706250011920929, 0.16500000655651093, 0.33000001311302185,
      0.4950000047683716, -0.25,
    ],
    weights: [
      0.4625000059604645, 0.35499998927116394, -0.4274999797344208, 1.309999942779541, 0.30000001192092896,
      0.5249999761581421, -1.899999976158142, 0.3050000071525574, 0.16500000655651093, 0.33000001311302185,
      0.4950000047683716, -0.25,
    ],
    koOnly: [
      0.05000000074505806, -0.10000000149011612, 0.15000000596046448, 0.3499999940395355, 1, 0.25,
      -1.4874999523162842, 0.036249998956918716, 0.16500000655651093, 0.33000001311302185, 0.4950000047683716,
      -0.25,
    ],
    renormalize: [
      0.25220105051994324, 0.3033467233181, -0.4179835915565491, 0.818330705165863, 0.2679114043712616,
      0.3166225552558899, -0.8950676321983337, 0.16379129886627197, 0.24772150814533234, 0.4954430162906647,
      0.7431644797325134, -0.37533560395240784,
    ],
  },
];
const AT_001 = BY_ALPHA[0]!;

// P stored as float16 (encode.dtype: float16), fused in float32; the script's "float16 P, ..." lines.
const FLOAT16 = [
  {
    label: "0.01",
    alpha: 0.01,
    float16: [
      0.1123046875, -0.1787109375, 0.270263671875, 0.732421875, 1.4814453125, 0.258056640625, -3.07421875,
      0.0165252685546875, 0.32666015625, 0.6533203125, 0.98046875, -0.4951171875,
    ],
    float32: [
      0.11227583140134811, -0.17875166237354279, 0.27034834027290344, 0.7325933575630188, 1.4810000658035278,
      0.2580000162124634, -3.0743632316589355, 0.016527114436030388, 0.3267773389816284, 0.6535546779632568,
      0.9803320169448853, -0.4950000047683716,
    ],
  },
  {
    label: "1/3",
    alpha: 1 / 3,
    float16: [
      0.509765625, 0.5068359375, -0.68994140625, 1.7802734375, 0.86669921875, 0.5166015625, -2.2578125,
      0.2275390625, 0.2200927734375, 0.440185546875, 0.66015625, -0.333251953125,
    ],
    float32: [
      0.5099837183952332, 0.5066992044448853, -0.6899675130844116, 1.7801302671432495, 0.8666666746139526,
      0.5166666507720947, -2.258072853088379, 0.22750143706798553, 0.2200520932674408, 0.4401041865348816,
      0.66015625, -0.3333333432674408,
    ],
  },
];
const f32 = (values: number[]) => Float32Array.from(values);

const P = f32([0.1, -0.2, 0.3, 0.7, 1.5, 0.25, -3.1, 0.01, 0.33, 0.66, 0.99, -0.5]);
// The script's Q, passage by passage: each passage's queries by language, in arrival order (the embed of
// writeSums stores each vector as float32, as the script's arrays are).
const QUERIES: QueryVectors[] = [
  {
    ar: [
      [0.11, 0.12, 0.13, 0.14],
      [0.21, -0.22, 0.23, -0.24],
    ],
    bn: [[1.01, 2.02, -3.03, 4.04]],
  },
  { ar: [[-0.9, 0.8, -0.7, 0.6]], ko: [[0.5, 0.25, 0.125, 0.0625]] },
  {},
];

const sumFiles = (out: string, languages?: Array<"ar" | "bn" | "ko">) =>
  writeSums(out, QUERIES, { dimensions: 4, ids: false, ...(languages ? { languages } : {}) });

describe("parity with NumPy (float32)", () => {
  it("sumQueries' Σq and counts equal NumPy's sum over each passage's stacked queries", () =>
    withTempDir(async (dir) => {
      const files = await sumFiles(join(dir, "s.npy"));
      expect((await readNpy(files.sums)).data).toEqual(f32(EXPECTED.S));
      expect(Array.from((await readNpy(files.counts)).data)).toEqual(EXPECTED.counts);
    }));

  it("fuse: p' = (1 − α)·p + α·Σq, with α = 0.01 by default", () => {
    expect(fuse({ passages: P, sums: f32(EXPECTED.S), dimensions: 4 })).toEqual(f32(AT_001.sum));
  });

  describe.each(BY_ALPHA)("at α = $label", (e) => {
    it("fuse in memory: sum, mean and renormalize", () => {
      const S = f32(EXPECTED.S);
      const at = { passages: P, sums: S, dimensions: 4, alpha: e.alpha };
      expect(fuse(at)).toEqual(f32(e.sum));
      expect(fuse({ ...at, reduce: "mean", counts: EXPECTED.counts })).toEqual(f32(e.mean));
      expect(fuse({ ...at, renormalize: true })).toEqual(f32(e.renormalize));
    });

    it("per-language weights and language subsets", () => {
      return withTempDir(async (dir) => {
        const files = await sumFiles(join(dir, "sums.npy"), ["ar", "bn", "ko"]);
        const sums = {
          ar: (await readNpy(files.languageSums.ar!)).data,
          bn: (await readNpy(files.languageSums.bn!)).data,
          ko: (await readNpy(files.languageSums.ko!)).data,
        };
        const weighted = combineLanguages(sums, { weights: { ar: 1, bn: 0.5 } }).sum;
        expect(fuse({ passages: P, sums: weighted, dimensions: 4, alpha: e.alpha })).toEqual(f32(e.weights));
        const ko = combineLanguages(sums, { languages: ["ko"] }).sum;
        expect(fuse({ passages: P, sums: ko, dimensions: 4, alpha: e.alpha })).toEqual(f32(e.koOnly));
      });
    });

    it("fuse on files gives the same numbers from .npy files, for every path", () =>
      withTempDir(async (dir) => {
        const passages = join(dir, "p.npy");
        await writeNpy(passages, P, { dimensions: 4 });
        const files = await sumFiles(join(dir, "s.npy"), ["ar", "bn", "ko"]);
        const run = async (name: string, options: object) => {
          await fuse({
            passages,
            sums: files.sums,
            out: join(dir, name),
            alpha: e.alpha,
            batchSize: 2,
            ...options,
          });
          return (await readNpy(join(dir, name))).data;
        };
        expect(await run("sum.npy", {})).toEqual(f32(e.sum));
        expect(await run("mean.npy", { reduce: "mean" })).toEqual(f32(e.mean));
        expect(await run("w.npy", { weights: { ar: 1, bn: 0.5 } })).toEqual(f32(e.weights));
        expect(await run("ko.npy", { languages: ["ko"] })).toEqual(f32(e.koOnly));
        expect(await run("n.npy", { renormalize: true })).toEqual(f32(e.renormalize));
      }));
  });

  it("a sweep writes every α of one pass with the same numbers, and one α defaults to 0.01", () =>
    withTempDir(async (dir) => {
      const passages = join(dir, "p.npy");
      await writeNpy(passages, P, { dimensions: 4 });
      const files = await sumFiles(join(dir, "s.npy"), ["ar", "bn", "ko"]);
      const alphas = BY_ALPHA.map((e) => e.alpha);
      for (const [path, options] of [
        ["sum", {}],
        ["mean", { reduce: "mean" }],
        ["weights", { weights: { ar: 1, bn: 0.5 } }],
        ["renormalize", { renormalize: true }],
      ] as const) {
        const out = (alpha: number) => join(dir, `${path}-${alphas.indexOf(alpha)}.npy`);
        await fuse({ passages, sums: files.sums, alphas, out, batchSize: 2, ...options });
        for (const e of BY_ALPHA)
          expect((await readNpy(out(e.alpha))).data, `${path} at α = ${e.label}`).toEqual(f32(e[path]));
      }
      await fuse({ passages, sums: files.sums, out: join(dir, "default.npy") });
      expect((await readNpy(join(dir, "default.npy"))).data).toEqual(f32(AT_001.sum));
    }));

  it("float16 P: a sweep keeps float16 (or writes float32 when told) with NumPy's values", () =>
    withTempDir(async (dir) => {
      const passages = join(dir, "p16.npy");
      await writeNpy(passages, P, { dimensions: 4, dtype: "float16" });
      const files = await sumFiles(join(dir, "s.npy"));
      for (const dtype of ["float16", "float32"] as const) {
        const out = (alpha: number) => join(dir, `${dtype}-${alpha}.npy`);
        await fuse({
          passages,
          sums: files.sums,
          alphas: FLOAT16.map((e) => e.alpha),
          out,
          batchSize: 2,
          ...(dtype === "float32" ? { dtype } : {}),
        });
        for (const e of FLOAT16) {
          const written = await readNpy(out(e.alpha));
          expect(written.dtype).toBe(dtype);
          expect(Array.from(written.data), `${dtype} at α = ${e.label}`).toEqual(e[dtype]);
        }
      }
    }));

  it("float16 output: a fused value beyond ±65504 is an error naming the file and row, never a stored Inf", () =>
    withTempDir(async (dir) => {
      const passages = join(dir, "p16.npy");
      // rows 0-2 fuse to at most 65504 in float16; row 3 column 2 fuses to 0.5·60000 + 0.5·80000 = 70000
      const p = f32([1, 2, 3, 4, 60000, 60000, 60000, 60000, 0, 0, 0, 0, 0, 0, 60000, 0]);
      await writeNpy(passages, p, { dimensions: 4, dtype: "float16" });
      const files = await writeSums(
        join(dir, "s.npy"),
        [{}, { ja: [[71000, 71000, 71000, 71000]] }, {}, { ja: [[0, 0, 80000, 0]] }],
        { dimensions: 4, ids: false },
      );
      const out = join(dir, "fused", "alpha-0.5.npy");
      await expect(fuse({ passages, sums: files.sums, out, alpha: 0.5, batchSize: 3 })).rejects.toThrow(
        `${out}: row 3, column 2: 70000 is beyond float16's range (±65504); store float32 instead`,
      );
      expect(existsSync(out)).toBe(false);
      await fuse({ passages, sums: files.sums, out, alpha: 0.5, dtype: "float32" });
      expect(Array.from((await readNpy(out)).data).slice(12)).toEqual([0, 0, 70000, 0]);
    }));
});
