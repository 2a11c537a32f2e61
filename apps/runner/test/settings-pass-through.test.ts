/**
 * Every setting that nothing else in the suite passes through: each stage is run with the default and with the
 * setting changed, and the test asserts the specific difference the setting must make (issue #15, item 1). A
 * setting dropped between the command line (or the config) and the package leaves the output at the default's
 * and fails here. The last block runs `xqg run` with all of them set in the config and checks that each stage
 * wrote what the same command with the same flags writes, so the config path is covered as well as the flags.
 */
import { copyFile, cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { idsPath, writeIds } from "@xqg/core";
import { readNpy, writeNpy } from "@xqg/corpus";
import { SIGNIFICANCE_TESTS } from "@xqg/metrics";
import { createGenerator } from "@xqg/querygen";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands.js";
import { oneOffManifest, QUICKSTART, TINY_BERT, TINY_MT5, xqg } from "./helpers.js";

let dir: string;
/** The first 6 passages of the quickstart corpus. */
let corpus: string;
let passages: Array<{ docid: string; title: string; text: string }>;
let counter = 0;

beforeAll(async () => {
  const { mkdtemp } = await import("node:fs/promises");
  dir = await mkdtemp(join(tmpdir(), "xqg-settings-"));
  const lines = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).split("\n").slice(0, 6);
  passages = lines.map((l) => JSON.parse(l));
  corpus = join(dir, "corpus.jsonl");
  await writeFile(corpus, `${lines.join("\n")}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh output path under the temp folder. */
const fresh = (name: string): string => join(dir, `${counter++}`, name);

/** Runs a stage command quietly (one thread where it takes --threads); fails on any error output. */
async function ok(...argv: string[]): Promise<void> {
  const threads = COMMANDS[argv[0]!]!.flags.threads === undefined ? [] : ["--threads", "1"];
  const result = await xqg(...argv, "--quiet", ...threads);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
}

const manifestOf = async (out: string) => JSON.parse(await readFile(oneOffManifest(out), "utf8"));

type Queries = Record<string, Record<string, string[]>>;

describe("generate: strategy, topK, topP, temperature, numBeams", () => {
  const base = ["--languages", "ar,ja", "--max-length", "10", "--seed", "7"];
  async function generate(...flags: string[]): Promise<Queries> {
    const out = fresh("generated.jsonl");
    await ok("generate", "--corpus", corpus, "--generator", TINY_MT5, "--out", out, ...base, ...flags);
    const records = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { docid: string; queries: Record<string, string[]> });
    return Object.fromEntries(records.map((r) => [r.docid, r.queries]));
  }
  /** Every query of `q` replaced by the greedy query of its passage and language. */
  const allGreedy = (q: Queries, greedy: Queries): Queries =>
    Object.fromEntries(
      Object.entries(q).map(([docid, byLang]) => [
        docid,
        Object.fromEntries(
          Object.entries(byLang).map(([lang, list]) => [lang, list.map(() => greedy[docid]![lang]![0]!)]),
        ),
      ]),
    );

  let greedy: Queries;
  let sampled: Queries;
  beforeAll(async () => {
    greedy = await generate("--strategy", "greedy");
    sampled = await generate("--per-language", "3");
  });

  it("the default sampling differs from greedy decoding (so the cases below can tell them apart)", () => {
    expect(Object.keys(greedy)).toEqual(passages.map((p) => p.docid));
    expect(Object.values(greedy).every((q) => q.ar!.length === 1 && q.ja!.length === 1)).toBe(true);
    expect(Object.values(sampled).every((q) => q.ar!.length === 3 && q.ja!.length === 3)).toBe(true);
    expect(sampled).not.toEqual(allGreedy(sampled, greedy));
  });

  // Each of these narrows sampling to the most likely token: the samples become the greedy queries.
  for (const [name, flags] of [
    ["topK 1", ["--top-k", "1"]],
    ["topP 1e-6 (the nucleus is the top token)", ["--top-p", "0.000001"]],
    // 0.01 is not enough: the tiny model has first-token logits closer than 0.05 (0.01 samples another token)
    ["temperature 0.001 (top-50 one-hot in effect)", ["--temperature", "0.001"]],
  ] as const) {
    it(`${name}: every sampled query equals the greedy query`, async () => {
      const narrowed = await generate("--per-language", "3", ...flags);
      expect(narrowed).toEqual(allGreedy(narrowed, greedy));
    });
  }

  it("topK, topP and temperature that do not narrow to one token still change the samples (same seed)", async () => {
    for (const flags of [
      ["--top-k", "3"],
      ["--top-p", "0.5"],
      ["--temperature", "3"],
    ]) {
      const other = await generate("--per-language", "3", ...flags);
      expect(other, flags.join(" ")).not.toEqual(sampled);
      expect(other, flags.join(" ")).not.toEqual(allGreedy(other, greedy));
    }
  });

  it("beam with numBeams: deterministic, seed-free, equal to @xqg/querygen's beam search, not numBeams=perLanguage", async () => {
    const beam4 = await generate("--strategy", "beam", "--per-language", "2", "--num-beams", "4");
    const out = fresh("generated.jsonl");
    await ok(
      "generate",
      "--corpus",
      corpus,
      "--generator",
      TINY_MT5,
      "--out",
      out,
      "--languages",
      "ar,ja",
      "--max-length",
      "10",
      "--seed",
      "8",
      "--strategy",
      "beam",
      "--per-language",
      "2",
      "--num-beams",
      "4",
    );
    expect((await manifestOf(out)).params).toMatchObject({ strategy: "beam", numBeams: 4, perLanguage: 2 });
    const again = Object.fromEntries(
      (await readFile(out, "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .map((r: { docid: string; queries: Record<string, string[]> }) => [r.docid, r.queries]),
    );
    expect(again).toEqual(beam4);
    const beam2 = await generate("--strategy", "beam", "--per-language", "2");
    expect(beam2).not.toEqual(beam4);

    const generator = await createGenerator(TINY_MT5, { session: { threads: 1 } });
    try {
      const expected: Queries = {};
      for await (const r of generator.generate(passages, {
        languages: ["ar", "ja"],
        maxLength: 10,
        strategy: "beam",
        perLanguage: 2,
        numBeams: 4,
      })) {
        expected[r.docid] = r.queries as Record<string, string[]>;
      }
      expect(beam4).toEqual(expected);
    } finally {
      await generator.close();
    }
  });

  it("beam with one beam equals greedy decoding", async () => {
    expect(await generate("--strategy", "beam", "--per-language", "1", "--num-beams", "1")).toEqual(greedy);
  });
});

describe("encode: --query-encoder and --passage-encoder (untied encoders)", () => {
  let other: string;
  const dev = join(QUICKSTART, "dev.jsonl");
  beforeAll(async () => {
    // A second encoder that embeds every text differently: tiny-bert whose tokenizer starts each text with
    // [MASK] (103) instead of [CLS] (101); same weights, so only the first position's input differs.
    other = join(dir, "tiny-bert-mask-first");
    await cp(TINY_BERT, other, { recursive: true });
    const tokenizer = JSON.parse(await readFile(join(other, "tokenizer.json"), "utf8"));
    expect(tokenizer.post_processor.special_tokens["[CLS]"].ids).toEqual([101]);
    tokenizer.post_processor.special_tokens["[CLS]"].ids = [103];
    await writeFile(join(other, "tokenizer.json"), JSON.stringify(tokenizer));
  });

  async function encode(source: "corpus" | "queries" | "generated", input: string, encoders: string[]) {
    const out = fresh("e.npy");
    await ok("encode", `--${source}`, input, ...encoders, "--out", out, "--passage-max-length", "64");
    return { out, bytes: await readFile(out), manifest: await manifestOf(out) };
  }

  it("passages use the passage encoder, queries and generated queries the query encoder", async () => {
    const generated = fresh("generated.jsonl");
    await mkdir(join(generated, ".."), { recursive: true });
    await writeFile(
      generated,
      `${passages
        .slice(0, 3)
        .map((p, i) =>
          JSON.stringify({ docid: p.docid, queries: { ar: [`the ${i} of the`, "in a"], ja: ["the city"] } }),
        )
        .join("\n")}\n`,
    );
    const untied = ["--query-encoder", TINY_BERT, "--passage-encoder", other];
    for (const [source, input] of [
      ["corpus", corpus],
      ["queries", dev],
      ["generated", generated],
    ] as const) {
      const tiedA = await encode(source, input, ["--encoder", TINY_BERT]);
      const tiedB = await encode(source, input, ["--encoder", other]);
      expect(tiedA.bytes.equals(tiedB.bytes), `${source}: the two encoders differ`).toBe(false);
      const mixed = await encode(source, input, untied);
      const expected = source === "corpus" ? tiedB : tiedA;
      expect(mixed.bytes.equals(expected.bytes), `${source} with untied encoders`).toBe(true);
      // the manifest names both models, so changing either one reruns the stage
      expect(Object.keys(mixed.manifest.inputs).sort()).toEqual(
        [source === "generated" ? "generated" : source, "passageEncoder", "queryEncoder"].sort(),
      );
      expect(mixed.manifest.inputs.passageEncoder.sha256).toBe(tiedB.manifest.inputs.encoder.sha256);
      expect(mixed.manifest.inputs.queryEncoder.sha256).toBe(tiedA.manifest.inputs.encoder.sha256);
    }
  });
});

describe("fuse: reduce and renormalize", () => {
  let P: string;
  let S: string;
  let p: Awaited<ReturnType<typeof readNpy>>;
  let s: Awaited<ReturnType<typeof readNpy>>;
  let counts: number[];
  beforeAll(async () => {
    // Σq from hand-written generated queries with different counts per passage (3, 1, 0, 2, 1, 4)
    const perPassage = [3, 1, 0, 2, 1, 4];
    const generated = fresh("generated.jsonl");
    await mkdir(join(generated, ".."), { recursive: true });
    await writeFile(
      generated,
      `${passages
        .map((x, i) =>
          JSON.stringify({
            docid: x.docid,
            queries: {
              ar: Array.from(
                { length: perPassage[i]! },
                (_, k) => `${x.title} ${k} ${x.text.slice(k * 9, k * 9 + 30)}`,
              ),
            },
          }),
        )
        .join("\n")}\n`,
    );
    P = fresh("passages.npy");
    await ok("encode", "--corpus", corpus, "--encoder", TINY_BERT, "--out", P, "--passage-max-length", "64");
    S = fresh("sums.npy");
    await ok("encode", "--generated", generated, "--encoder", TINY_BERT, "--out", S);
    p = await readNpy(P);
    s = await readNpy(S);
    const c = await readNpy(S.replace(/\.npy$/, ".counts.npy"));
    counts = [...c.data];
    expect(counts).toEqual(perPassage);
  });

  async function fuse(...flags: string[]) {
    const out = fresh("fused");
    await ok("fuse", "--passages", P, "--sums", S, "--alphas", "0.3", "--out", out, ...flags);
    const m = await readNpy(join(out, "alpha-0.3.npy"));
    return { m, manifest: JSON.parse(await readFile(oneOffManifest(join(out, "fuse")), "utf8")) };
  }
  const row = (x: { data: Float32Array; dimensions: number }, r: number) =>
    x.data.subarray(r * x.dimensions, (r + 1) * x.dimensions);
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((t, x) => t + x * x, 0));
  function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string) {
    expect(actual.length).toBe(expected.length);
    const worst = Array.from(actual).reduce((w, a, j) => Math.max(w, Math.abs(a - expected[j]!)), 0);
    expect(worst, label).toBeLessThan(1e-5 * Math.max(1, norm(expected)));
  }

  it("sum (default): (1 − α)·p + α·S; mean: (1 − α)·p + α·S/c, and p alone where c = 0", async () => {
    const sum = await fuse();
    const mean = await fuse("--reduce", "mean");
    expect(sum.manifest.params).toEqual({ alphas: [0.3], reduce: "sum", renormalize: false });
    expect(mean.manifest.params).toEqual({ alphas: [0.3], reduce: "mean", renormalize: false });
    expect(Object.keys(mean.manifest.inputs)).toContain("counts");
    for (let r = 0; r < p.rows; r++) {
      const pr = row(p, r);
      const sr = row(s, r);
      const c = counts[r]!;
      expectClose(
        row(sum.m, r),
        Array.from(pr, (x, j) => 0.7 * x + 0.3 * sr[j]!),
        `sum row ${r}`,
      );
      expectClose(
        row(mean.m, r),
        Array.from(pr, (x, j) => 0.7 * x + (c > 0 ? (0.3 * sr[j]!) / c : 0)),
        `mean row ${r}`,
      );
    }
    // the rows with one query are the same either way; the others are not
    expect(row(mean.m, 1)).toEqual(row(sum.m, 1));
    expect(row(mean.m, 0)).not.toEqual(row(sum.m, 0));
  });

  it("renormalize: unit-norm rows in the direction of the un-normalised ones", async () => {
    const plain = await fuse();
    const unit = await fuse("--renormalize");
    expect(unit.manifest.params).toEqual({ alphas: [0.3], reduce: "sum", renormalize: true });
    for (let r = 0; r < p.rows; r++) {
      expect(Math.abs(norm(row(unit.m, r)) - 1)).toBeLessThan(1e-6);
      expect(Math.abs(norm(row(plain.m, r)) - 1)).toBeGreaterThan(1e-3);
      const n = norm(row(plain.m, r));
      expectClose(
        row(unit.m, r),
        Array.from(row(plain.m, r), (x) => x / n),
        `renormalized row ${r}`,
      );
    }
  });
});

/** A deterministic pseudo-random matrix (an LCG), rows × dim, values in [-0.5, 0.5). */
function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  let s = seed;
  return new Float32Array(rows * dim).map(() => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

describe("index: connectivity, expansionAdd, expansionSearch", () => {
  let embeddings: string;
  beforeAll(async () => {
    embeddings = fresh("vectors.npy");
    await mkdir(join(embeddings, ".."), { recursive: true });
    await writeNpy(embeddings, randomMatrix(400, 16, 1), { dimensions: 16 });
    await writeIds(
      idsPath(embeddings),
      Array.from({ length: 400 }, (_, i) => `d${i}`),
    );
  });
  async function index(...flags: string[]) {
    const out = fresh("vectors.usearch");
    await ok("index", "--embeddings", embeddings, "--out", out, ...flags);
    return {
      bytes: await readFile(out),
      json: JSON.parse(await readFile(`${out}.json`, "utf8")),
      params: (await manifestOf(out)).params,
    };
  }

  it("each is recorded in the manifest; connectivity in the index's JSON; both graph settings change the index bytes", async () => {
    const byDefault = await index();
    expect(byDefault.params).toEqual({
      dtype: "float32",
      metric: "ip",
      connectivity: 0,
      expansionAdd: 0,
      expansionSearch: 0,
    });
    expect(byDefault.json.connectivity).toBe(16); // usearch's default
    const connectivity = await index("--connectivity", "4");
    expect(connectivity.params).toMatchObject({ connectivity: 4 });
    expect(connectivity.json.connectivity).toBe(4);
    expect(connectivity.bytes.equals(byDefault.bytes)).toBe(false);
    const expansionAdd = await index("--expansion-add", "8");
    expect(expansionAdd.params).toMatchObject({ expansionAdd: 8 });
    expect(expansionAdd.json).toEqual(byDefault.json);
    expect(expansionAdd.bytes.length).toBe(byDefault.bytes.length);
    expect(expansionAdd.bytes.equals(byDefault.bytes)).toBe(false); // a narrower search while adding: other links
    const expansionSearch = await index("--expansion-search", "1");
    expect(expansionSearch.params).toMatchObject({ expansionSearch: 1 });
    // the file does not hold it (usearch saves no expansion): searching must be told, see the `xqg run` case
    expect(expansionSearch.bytes.equals(byDefault.bytes)).toBe(true);
  });
});

describe("report: test, correction, rounds, seed, maxP", () => {
  // Per-query R@2kt of three systems over 6 ar and 6 bn queries, made so that the tests disagree: α = 0.1 wins
  // 3 of 6 in each language (t-test p ≈ 0.076, exact permutation p = 0.25) and 6 of 12 overall.
  const values = {
    baseline: { ar: [0, 0, 0, 0, 1, 1], bn: [1, 1, 1, 0, 0, 0] },
    "0.1": { ar: [1, 1, 1, 0, 1, 1], bn: [1, 1, 1, 1, 1, 1] },
    "0.5": { ar: [1, 0, 0, 0, 1, 1], bn: [0, 0, 1, 0, 0, 0] },
  } as const;
  type System = keyof typeof values;
  const langs = ["ar", "bn"] as const;
  const files = {} as Record<System, string>;
  let byDefault: Awaited<ReturnType<typeof report>>;
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const all = (s: System) => [...values[s].ar, ...values[s].bn];
  const group = (s: System, g: string): number[] => (g === "avg" ? all(s) : [...values[s][g as "ar"]]);
  beforeAll(async () => {
    const evalDir = fresh("eval");
    await mkdir(evalDir, { recursive: true });
    for (const s of Object.keys(values) as System[]) {
      const v = values[s];
      const evaluation = {
        measures: ["R@2kt"],
        languages: [...langs],
        counts: { ar: 6, bn: 6 },
        scores: { "R@2kt": { ar: mean(v.ar), bn: mean(v.bn), avg: (mean(v.ar) + mean(v.bn)) / 2 } },
        perQuery: langs.flatMap((lang) =>
          v[lang].map((x, i) => ({ id: `${lang}${i}`, lang, values: { "R@2kt": x } })),
        ),
        tokenizer: "treebank",
      };
      files[s] = join(evalDir, `${s}.json`);
      await writeFile(files[s], `${JSON.stringify(evaluation)}\n`);
    }
    byDefault = await report();
  });
  async function report(...flags: string[]) {
    const out = fresh("report");
    await ok(
      "report",
      "--baseline",
      files.baseline,
      "--alpha",
      `0.1=${files["0.1"]}`,
      "--alpha",
      `0.5=${files["0.5"]}`,
      "--out",
      out,
      ...flags,
    );
    const json = JSON.parse(await readFile(join(out, "report.json"), "utf8"));
    const md = await readFile(join(out, "report.md"), "utf8");
    const p = (alpha: "0.1" | "0.5", g: string): number =>
      json.rows.find((r: { alpha: number }) => r.alpha === Number(alpha)).pValues["R@2kt"][g];
    const footnote = md.split("\n").find((l) => l.startsWith("† better"))!;
    /** The Markdown cells of the row of α (ar, bn, avg). */
    const cells = (alpha: string) =>
      md
        .split("\n")
        .find((l) => l.startsWith(`| xQG α = ${alpha} `))!
        .split("|")
        .slice(2, 5)
        .map((c) => c.trim());
    return { json, p, footnote, cells };
  }
  const groups = ["ar", "bn", "avg"];
  /** The exact two-sided sign-flip permutation p-value, by enumeration. */
  function exactPermutation(a: readonly number[], b: readonly number[]): number {
    const d = a.map((x, i) => x - b[i]!);
    const observed = Math.abs(d.reduce((s, x) => s + x, 0));
    let extreme = 0;
    for (let mask = 0; mask < 2 ** d.length; mask++) {
      const s = d.reduce((t, x, i) => t + (mask & (1 << i) ? -x : x), 0);
      if (Math.abs(s) >= observed - 1e-12) extreme++;
    }
    return extreme / 2 ** d.length;
  }

  it("default: paired t-test p-values, uncorrected, marked under 0.05", () => {
    expect(byDefault.json.test).toEqual({ name: "t", maxP: 0.05, correction: "none" });
    for (const alpha of ["0.1", "0.5"] as const)
      for (const g of groups)
        expect(byDefault.p(alpha, g), `${alpha} ${g}`).toBe(
          SIGNIFICANCE_TESTS.t.run(group(alpha, g), group("baseline", g)).pValue,
        );
    expect(byDefault.p("0.1", "ar")).toBeCloseTo(0.0756, 4);
    expect(byDefault.cells("0.1")).toEqual(["83.3", "100.0", "91.7†"]);
    expect(byDefault.footnote).toBe(
      "† better, ‡ worse than the baseline with p < 0.05 (paired two-sided t-test; per language over its queries, avg over all queries).",
    );
  });

  it("test permutation: exact sign-flip p-values (2^12 ≤ 10,000 rounds), named in the footnote", async () => {
    const perm = await report("--test", "permutation");
    expect(perm.json.test).toEqual({ name: "permutation", maxP: 0.05, correction: "none" });
    for (const alpha of ["0.1", "0.5"] as const)
      for (const g of groups)
        expect(perm.p(alpha, g), `${alpha} ${g}`).toBeCloseTo(
          exactPermutation(group(alpha, g), group("baseline", g)),
          12,
        );
    expect(perm.p("0.1", "ar")).toBe(0.25);
    expect(perm.footnote).toContain("(paired permutation test;");
  });

  it("rounds and seed: Monte Carlo p-values (k + 1) / (rounds + 1) of that seed", async () => {
    const few = await report("--test", "permutation", "--rounds", "50");
    const otherSeed = await report("--test", "permutation", "--rounds", "50", "--seed", "3");
    let differs = 0;
    for (const alpha of ["0.1", "0.5"] as const) {
      for (const g of groups) {
        const [a, b] = [group(alpha, g), group("baseline", g)];
        expect(few.p(alpha, g)).toBe(
          SIGNIFICANCE_TESTS.permutation.run(a, b, { seed: 42, rounds: 50 }).pValue,
        );
        expect(otherSeed.p(alpha, g)).toBe(
          SIGNIFICANCE_TESTS.permutation.run(a, b, { seed: 3, rounds: 50 }).pValue,
        );
        const k = few.p(alpha, g) * 51;
        expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
        if (few.p(alpha, g) !== otherSeed.p(alpha, g)) differs++;
      }
    }
    expect(few.p("0.1", "ar")).not.toBe(0.25); // not the exact test any more
    expect(differs).toBeGreaterThan(0);
  });

  it("correction holm: Holm-adjusted p-values across the two α rows, named in the footnote", async () => {
    const holm = await report("--correction", "holm");
    expect(holm.json.test).toEqual({ name: "t", maxP: 0.05, correction: "holm" });
    for (const g of groups) {
      const [p1, p5] = [byDefault.p("0.1", g), byDefault.p("0.5", g)];
      const low = Math.min(1, 2 * Math.min(p1, p5));
      const high = Math.max(low, Math.min(1, Math.max(p1, p5)));
      expect(holm.p("0.1", g)).toBe(p1 <= p5 ? low : high);
      expect(holm.p("0.5", g)).toBe(p1 <= p5 ? high : low);
    }
    expect(holm.p("0.1", "ar")).not.toBe(byDefault.p("0.1", "ar"));
    expect(holm.footnote).toContain("(paired two-sided t-test, Holm-corrected across the α rows;");
  });

  it("maxP: the markers follow the threshold", async () => {
    const loose = await report("--max-p", "0.1");
    expect(loose.json.test.maxP).toBe(0.1);
    expect(loose.json.rows).toEqual(byDefault.json.rows); // same p-values, other markers
    expect(loose.cells("0.1")).toEqual(["83.3†", "100.0†", "91.7†"]);
    expect(loose.footnote).toContain("with p < 0.1 (");
    const strict = await report("--max-p", "0.001");
    expect(strict.cells("0.1")).toEqual(["83.3", "100.0", "91.7"]);
  });
});

describe("--force", () => {
  it("reruns a stage whose manifest matches, rewriting its outputs with the same bytes", async () => {
    const P = fresh("passages.npy");
    await mkdir(join(P, ".."), { recursive: true });
    await writeNpy(P, randomMatrix(20, 8, 2), { dimensions: 8 });
    await writeIds(
      idsPath(P),
      Array.from({ length: 20 }, (_, i) => `p${i}`),
    );
    const S = fresh("vectors.npy");
    await mkdir(join(S, ".."), { recursive: true });
    const out = fresh("fused");
    // Σq is any matrix with ids here: fuse reads S.npy and S.ids (counts only for reduce mean)
    await writeNpy(S, randomMatrix(20, 8, 3), { dimensions: 8 });
    await copyFile(idsPath(P), idsPath(S));
    const fuse = (...flags: string[]) =>
      xqg("fuse", "--passages", P, "--sums", S, "--alphas", "0.5", "--out", out, ...flags);
    const file = join(out, "alpha-0.5.npy");
    /** The stage's outcome lines (not its progress lines). */
    const outcome = (stderr: string) => stderr.split("\n").filter((l) => / done in | up to date /.test(l));
    const first = await fuse();
    expect(first.code).toBe(0);
    expect(outcome(first.stderr)).toEqual([
      expect.stringMatching(/^xqg: fuse: done in .*\.xqg\/manifests\/fuse\.json\)$/),
    ]);
    const written = await stat(file);
    const bytes = await readFile(file);
    const manifest = await readFile(oneOffManifest(join(out, "fuse")));
    const again = await fuse();
    expect(outcome(again.stderr)).toEqual([
      expect.stringMatching(/^xqg: fuse: up to date \(.*\.xqg\/manifests\/fuse\.json\)$/),
    ]);
    expect((await stat(file)).ino).toBe(written.ino);
    const forced = await fuse("--force");
    expect(forced.code).toBe(0);
    expect(outcome(forced.stderr)).toEqual([
      expect.stringMatching(/^xqg: fuse: done in .*\.xqg\/manifests\/fuse\.json\)$/),
    ]);
    // a new file renamed into place from staging, with the same bytes and the same manifest
    expect((await stat(file)).ino).not.toBe(written.ino);
    expect(await readFile(file)).toEqual(bytes);
    expect(await readFile(oneOffManifest(join(out, "fuse")))).toEqual(manifest);
  });
});

describe("xqg run: the config's settings reach each stage as the command's flags do", () => {
  const dev = join(QUICKSTART, "dev.jsonl");
  const config = async (name: string, body: string): Promise<string> => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      `output: ${join(dir, name)}
queries: ${dev}
encoder: ${TINY_BERT}
generator: ${TINY_MT5}
threads: 1
encode: { passageMaxLength: 64 }
evaluate: { tokenizer: treebank }
${body}`,
    );
    return file;
  };
  const sampling = ["--languages", "ar,ja", "--per-language", "3", "--seed", "7", "--max-length", "10"];

  it("generate (sampling), fuse, index and report settings; then --force reruns every stage", async () => {
    const file = await config(
      "run-a",
      `corpus: ${corpus}
generate: { languages: [ar, ja], perLanguage: 3, seed: 7, maxLength: 10, topK: 3, topP: 0.9, temperature: 1.5 }
fuse: { alphas: [0, 0.3, 0.6], reduce: mean, renormalize: true }
index: { type: hnsw, connectivity: 4, expansionAdd: 8, expansionSearch: 2 }
search: { depth: 2 }
report: { test: permutation, rounds: 50, seed: 3, correction: holm, maxP: 0.2 }
`,
    );
    const run = await xqg("run", file, "--quiet");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = (p: string) => join(dir, "run-a", p);
    const manifest = async (key: string) =>
      JSON.parse(await readFile(out(`manifests/${key}.json`), "utf8")).params;

    const generated = fresh("generated.jsonl");
    const flags = ["--top-k", "3", "--top-p", "0.9", "--temperature", "1.5"];
    await ok(
      "generate",
      "--corpus",
      corpus,
      "--generator",
      TINY_MT5,
      "--out",
      generated,
      ...sampling,
      ...flags,
    );
    expect(await readFile(out("generated/queries.jsonl"))).toEqual(await readFile(generated));
    expect(await manifest("generate")).toMatchObject({
      topK: 3,
      topP: 0.9,
      temperature: 1.5,
      strategy: "sample",
    });

    const fused = fresh("fused");
    const fuseFlags = ["--alphas", "0.3,0.6", "--reduce", "mean", "--renormalize"];
    const [P, S] = [out("embeddings/passages.npy"), out("embeddings/sums.npy")];
    await ok("fuse", "--passages", P, "--sums", S, "--out", fused, ...fuseFlags);
    for (const name of ["alpha-0.3", "alpha-0.6"])
      expect(await readFile(out(`fused/${name}.npy`)), name).toEqual(
        await readFile(join(fused, `${name}.npy`)),
      );
    expect(await manifest("fuse")).toEqual({ alphas: [0.3, 0.6], reduce: "mean", renormalize: true });

    const indexFlags = ["--connectivity", "4", "--expansion-add", "8", "--expansion-search", "2"];
    for (const [name, matrix] of [
      ["baseline", P],
      ["alpha-0.3", out("fused/alpha-0.3.npy")],
    ] as const) {
      const index = fresh("i.usearch");
      await ok("index", "--embeddings", matrix, "--out", index, ...indexFlags);
      expect(await readFile(out(`index/${name}.usearch`)), name).toEqual(await readFile(index));
      expect(await readFile(out(`index/${name}.usearch.json`)), name).toEqual(
        await readFile(`${index}.json`),
      );
      expect(await manifest(`index.${name}`)).toEqual({
        dtype: "float32",
        metric: "ip",
        connectivity: 4,
        expansionAdd: 8,
        expansionSearch: 2,
      });
    }
    expect(await manifest("search.baseline")).toMatchObject({ depth: 2 });

    const report = fresh("report");
    await ok(
      "report",
      "--baseline",
      out("eval/baseline.json"),
      "--alpha",
      `0.3=${out("eval/alpha-0.3.json")}`,
      "--alpha",
      `0.6=${out("eval/alpha-0.6.json")}`,
      "--out",
      report,
      ...["--test", "permutation", "--rounds", "50", "--seed", "3", "--correction", "holm", "--max-p", "0.2"],
    );
    expect(await readFile(out("report/report.json"))).toEqual(await readFile(join(report, "report.json")));
    expect(JSON.parse(await readFile(out("report/report.json"), "utf8")).test).toEqual({
      name: "permutation",
      maxP: 0.2,
      correction: "holm",
    });
    expect(await manifest("report")).toMatchObject({
      test: "permutation",
      rounds: 50,
      seed: 3,
      correction: "holm",
      maxP: 0.2,
    });

    // --force: every stage runs again (none is "up to date") and writes the same bytes
    const before = await snapshotFiles(join(dir, "run-a"));
    const forced = await xqg("run", file, "--force");
    expect(forced.code).toBe(0);
    const lines = forced.stderr.split("\n").filter((l) => / done in | up to date /.test(l));
    expect(lines.filter((l) => l.includes("up to date"))).toEqual([]);
    expect(lines.length).toBe(Object.keys(before).filter((f) => f.startsWith("manifests/")).length);
    expect(await snapshotFiles(join(dir, "run-a"))).toEqual(before);
  });

  it("generate (beam): numBeams reaches the generator of a shard", async () => {
    const file = await config(
      "run-beam",
      `corpus: ${corpus}
shards: 2
generate: { languages: [ar, ja], perLanguage: 2, strategy: beam, numBeams: 4, maxLength: 10 }
`,
    );
    const worker = await xqg("run", file, "--shard", "1/2", "--quiet");
    expect(worker.code).toBe(0);
    const generated = fresh("generated.jsonl");
    await ok(
      "generate",
      "--corpus",
      corpus,
      "--generator",
      TINY_MT5,
      "--out",
      generated,
      "--shard",
      "1/2",
      ...[
        "--languages",
        "ar,ja",
        "--per-language",
        "2",
        "--strategy",
        "beam",
        "--num-beams",
        "4",
        "--max-length",
        "10",
      ],
    );
    expect(await readFile(join(dir, "run-beam/generated/queries.shard-1-of-2.jsonl"))).toEqual(
      await readFile(generated),
    );
    const params = JSON.parse(
      await readFile(join(dir, "run-beam/manifests/generate.shard-1-of-2.json"), "utf8"),
    ).params;
    expect(params).toMatchObject({ strategy: "beam", numBeams: 4, perLanguage: 2 });
  });

  // `index.expansionSearch` is not kept in the index file (usearch saves no expansion): the search stage opens
  // the index with it (it once reached only the index stage and changed nothing but its manifest).
  it("index.expansionSearch is the expansion the search of `xqg run` uses", async () => {
    const all = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const generated = join(dir, "run-ef.generated.jsonl");
    await writeFile(
      generated,
      `${all.map((p: { docid: string; title: string }) => JSON.stringify({ docid: p.docid, queries: { ar: [p.title] } })).join("\n")}\n`,
    );
    const file = await config(
      "run-ef",
      `corpus: ${join(QUICKSTART, "corpus.jsonl")}
generated: ${generated}
fuse: { alphas: [0] }
index: { type: hnsw, connectivity: 4, expansionSearch: 1 }
search: { depth: 1 }
`,
    );
    const run = await xqg("run", file, "--quiet");
    expect(run.code).toBe(0);
    const { Index } = await import("@xqg/ann");
    const queries = await readNpy(join(dir, "run-ef/embeddings/queries.npy"));
    const top1 = async (options: { expansionSearch?: number }) => {
      const view = await Index.view(join(dir, "run-ef/index/baseline.usearch"), options);
      const run = await view.searchBatch(queries.data, 1, { threads: 1 });
      return [...run.values()].map((scores) => [...scores.keys()][0]);
    };
    const narrow = await top1({ expansionSearch: 1 });
    expect(narrow).not.toEqual(await top1({})); // the setting matters on these embeddings
    const trec = (await readFile(join(dir, "run-ef/runs/baseline.trec"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => l.split(" ")[2]);
    expect(trec).toEqual(narrow);
  });
});

/** Every file under `root` (relative path → bytes), the hash cache left out. */
async function snapshotFiles(root: string): Promise<Record<string, Buffer>> {
  const { snapshot } = await import("./helpers.js");
  return Object.fromEntries(await snapshot(root));
}
