// A team's project that installs the packages by name with plain npm, as after the first publish: the project's
// real release command (tooling/scripts/release.sh → changeset publish) publishes every package to a local
// Verdaccio registry, and a fresh project outside the workspace installs them from it. Every published
// package's README example runs as written, TypeScript consumers type-check (node16 and bundler resolution,
// a .cts file under node16, and skipLibCheck: false with lib es2023 and no "dom"), CommonJS can require()
// every package, and a Jest suite in a CommonJS test file loads every package and uses it. Runs on each Node
// line the suite runs on (22 and 24). Takes 3 to 4.5 minutes on 2 shared cores (publish ~30 s, install ~60 s,
// the quick start ~55 s, each TypeScript check ~10 s, each Jest major ~10 s with its install).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureDir } from "@xqg/fixtures";
import { sharedDataDir, sharedSkipReason } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, userEnv } from "../src/exec.js";
import { type LocalRegistry, startLocalRegistry } from "../src/registry.js";
import { publishedPackages, ROOT } from "../src/workspace.js";

const packages = publishedPackages();
const names = packages.map((p) => p.name);
const work = mkdtempSync(join(tmpdir(), "xqg-consumer-"));
const app = join(work, "app");
let registry: LocalRegistry | undefined;

const nltkSkip = sharedSkipReason("nltk");
if (nltkSkip) console.warn(nltkSkip);

// NLTK's layout ($NLTK_DATA/tokenizers/punkt_tab/english) over the shared data's punkt_tab folder.
const nltkData = join(work, "nltk_data");
if (!nltkSkip) {
  mkdirSync(join(nltkData, "tokenizers"), { recursive: true });
  symlinkSync(join(sharedDataDir()!, "nltk", "punkt_tab"), join(nltkData, "tokenizers", "punkt_tab"));
}

/** Environment of the consumer's commands: a plain user shell, models from the fixtures. */
const env = userEnv({
  XQG_ENCODER_MODEL: fixtureDir("tiny-bert"),
  XQG_GENERATOR_MODEL: fixtureDir("tiny-mt5"),
  NLTK_DATA: nltkData,
  // onnxruntime-node's install script downloads CUDA libraries from a host this machine cannot reach;
  // its CPU binaries ship in the npm package (see the README's install notes).
  ONNXRUNTIME_NODE_INSTALL: "skip",
  NODE_NO_WARNINGS: "1",
});
const node = (args: string[], ok?: number[]) =>
  exec(process.execPath, args, { cwd: app, env, ...(ok ? { ok } : {}) });

beforeAll(async () => {
  // Only @xqg/* and xqg live in the local registry; any other package is proxied from the registry npm is
  // configured with (the consumer's npm asks Verdaccio for everything: `xqg` has no scope to route).
  registry = await startLocalRegistry({ dir: join(work, "registry"), local: ["@xqg/*", "xqg"] });
  const releaseConfig = registry.userconfig(join(work, "release.npmrc"));
  // The release as CI runs it, pointed at the local registry; --no-git-tag keeps this checkout's tags as they are.
  exec("sh", [join(ROOT, "tooling", "scripts", "release.sh"), "--no-git-tag"], {
    cwd: ROOT,
    env: userEnv({ npm_config_registry: registry.url, npm_config_userconfig: releaseConfig }),
  });

  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "app", private: true, type: "module" })}\n`,
  );
  // The project's own .npmrc names the registry, as a team's would after the first publish.
  writeFileSync(join(app, ".npmrc"), `registry=${registry.url}\n@xqg:registry=${registry.url}\n`);
  // Plain npm, by name, dependencies resolved fresh (newest in range), as a consumer's would be.
  exec(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...names,
      "typescript@5.9.3",
      "@types/node@22",
    ],
    { cwd: app, env },
  );
});

afterAll(async () => {
  try {
    await registry?.stop();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

it("the release command publishes every package, and the project installs each by name from the registry", () => {
  const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string }>;
  };
  // What the consumer's npm sees for each name: the registry's latest, served from the local registry.
  const view = (name: string) =>
    JSON.parse(
      exec("npm", ["view", "--json", `${name}@latest`, "name", "version", "dist.tarball"], { cwd: app, env })
        .stdout,
    ) as { name: string; version: string; "dist.tarball": string };
  for (const p of packages) {
    expect(manifest.dependencies[p.name], p.name).toBe(`^${p.manifest.version}`);
    expect(lock.packages[`node_modules/${p.name}`]?.version, p.name).toBe(p.manifest.version);
    const published = view(p.name);
    expect(published.version, p.name).toBe(p.manifest.version);
    expect(published["dist.tarball"].startsWith(registry!.url), p.name).toBe(true);
  }
});

describe("each package README's main example, run as written by the installed package", () => {
  /** The first ```ts block after "## Usage", written into the consumer's project unchanged. */
  function readmeExample(dir: string): string {
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    const usage = readme.indexOf("## Usage");
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(usage));
    if (usage < 0 || !block) throw new Error(`${dir}/README.md has no \`\`\`ts block after "## Usage"`);
    return block[1]!;
  }

  // What each example prints (its own asserts check the rest); the comments in the READMEs say the same.
  const printed: Record<string, string | { skip: string | undefined; out: string }> = {
    "@xqg/ann": "",
    "@xqg/core":
      "[ 'doc-1', 'doc-2' ] [ 'doc-1', 'doc-2' ]\n" +
      "[ { id: 'q1', lang: 'ja', ctxs: [ 'Tokyo is in Japan.' ] } ]\n" +
      'missing-field 2 lang field "lang" missing\n' +
      'xqg.yaml:7: field "alpha" must be a number true\n',
    "@xqg/corpus":
      "wrote 5 passages to corpus.jsonl.gz\n" +
      "shard 0: 3 × 4 float16 [p1 p2 p3]; p3 = [10, 5.30078125, 5, 1.6669921875]\n" +
      "shard 1: 2 × 4 float16 [p4 p5]; p5 = [9, 5.19921875, 5, 1.6669921875]\n",
    "@xqg/encoders": "true true\ntrue\n",
    "@xqg/fusion": "",
    "@xqg/metrics": { skip: nltkSkip, out: "" },
    "@xqg/models": "true true\nbert\n",
    "@xqg/querygen": "p1 2 2\n",
  };

  // run below: @xqg/pipeline's example over the quick start the CLI has run, @xqg/queue's needs a Redis server
  // (apps/runner/test/queue-*.test.ts run it against a real redis-server)
  const elsewhere = ["xqg", "@xqg/pipeline", "@xqg/queue"];
  for (const p of packages.filter((p) => !elsewhere.includes(p.name))) {
    const expected = printed[p.name];
    const skip = typeof expected === "object" ? expected.skip : undefined;
    it.skipIf(skip)(p.name, () => {
      const out = typeof expected === "object" ? expected.out : expected;
      const file = join(app, "examples", `${p.name.replace("@xqg/", "")}.ts`);
      mkdirSync(join(app, "examples"), { recursive: true });
      writeFileSync(file, readmeExample(p.dir));
      const r = node([file]);
      if (out !== undefined) expect(r.stdout).toBe(out);
    });
  }

  it("xqg: the quick start through the installed CLI prints the workspace's report", () => {
    const quickstart = join(app, "examples", "quickstart");
    cpSync(join(ROOT, "examples", "quickstart"), quickstart, {
      recursive: true,
      filter: (src) => !src.endsWith("/out"),
    });
    const config = join(quickstart, "xqg.yaml");
    writeFileSync(
      config,
      readFileSync(config, "utf8")
        .replace("../../tooling/fixtures/tiny-bert", fixtureDir("tiny-bert"))
        .replace("../../tooling/fixtures/tiny-mt5", fixtureDir("tiny-mt5")),
    );
    expect(exec("npx", ["--no-install", "xqg", "--version"], { cwd: app, env }).stdout.trim()).toBe(
      packages.find((p) => p.name === "xqg")!.manifest.version,
    );
    const r = exec("npx", ["--no-install", "xqg", "run", "examples/quickstart/xqg.yaml"], { cwd: app, env });
    // The report the workspace's own run of the quick start prints (golden/README.md says how it is made).
    const golden = readFileSync(
      join(ROOT, "tooling", "repo-checks", "golden", "quickstart-report.md"),
      "utf8",
    );
    expect(r.stdout).toBe(golden);
    expect(readFileSync(join(quickstart, "out", "report", "report.md"), "utf8")).toBe(golden);

    // @xqg/pipeline's example, as written, over the same config: every unit up to date, the same report
    const example = join(quickstart, "pipeline-example.ts");
    writeFileSync(example, readmeExample(join(ROOT, "packages", "pipeline")));
    const lines = exec(process.execPath, [example], { cwd: quickstart, env }).stdout;
    expect(lines).toMatch(/^generate ← \(inputs\)\n/);
    expect(lines).toMatch(/\n0 units ran, \d+ were up to date\n/);
    expect(lines.endsWith(`up to date\n${golden}\n`)).toBe(true);
  });

  it("xqg run --queue without @xqg/queue installed: one line with the command that installs it", () => {
    const npm = (...args: string[]) =>
      exec("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app, env });
    const queue = packages.find((p) => p.name === "@xqg/queue")!;
    npm("uninstall", "@xqg/queue");
    try {
      const r = exec(
        "npx",
        ["--no-install", "xqg", "run", "examples/quickstart/xqg.yaml", "--queue", "redis://127.0.0.1:1"],
        { cwd: app, env, ok: [1] },
      );
      expect(r.stderr).toBe(
        "xqg: xqg run --queue needs the queue package, which is not installed: npm install @xqg/queue\n",
      );
    } finally {
      // the later checks import every package
      npm("install", `@xqg/queue@^${queue.manifest.version}`);
    }
  });
});

describe("TypeScript consumers type-check against the packed types", () => {
  const consumer = `import { exactSearch, Index } from "@xqg/ann";
import { type Passage, readPassages } from "@xqg/corpus";
import { createEncoder, type Encoder } from "@xqg/encoders";
import { fuse } from "@xqg/fusion";
import { createEvaluator, type Evaluation } from "@xqg/metrics";
import { ensureModel, loadTokenizer } from "@xqg/models";
import { createGenerator } from "@xqg/querygen";

export async function consumer(corpus: string): Promise<number> {
  let n = 0;
  for await (const p of readPassages(corpus)) {
    const passage: Passage = p;
    n += passage.text.length;
  }
  const index = Index.create({ dimensions: 2 });
  await index.add(["a"], new Float32Array([1, 0]));
  const hits: string[] = [...index.search(new Float32Array([1, 0]), 1).keys()];
  const exact = await exactSearch(new Float32Array([1, 0]), new Float32Array([1, 0]), {
    dimensions: 2,
    depth: 1,
    ids: ["a"],
  });
  const fused: Float32Array = fuse({ passages: new Float32Array(2), sums: new Float32Array(2), dimensions: 2 });
  const tokens: Evaluation = await createEvaluator({ qrels: [] }, ["nDCG@10"]).evaluate(new Map());
  const encoder: Encoder = await createEncoder((await ensureModel("m")).dir);
  const tokenizer = await loadTokenizer("m");
  const generator = await createGenerator("g");
  void [hits, exact, fused, tokens, encoder, tokenizer, generator];
  return n;
}
`;

  for (const [resolution, compilerOptions] of [
    ["node16", { module: "node16", moduleResolution: "node16" }],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }],
  ] as const) {
    it(`moduleResolution ${resolution} (with every README example)`, () => {
      mkdirSync(join(app, "src"), { recursive: true });
      writeFileSync(join(app, "src", "consumer.ts"), consumer);
      const tsconfig = join(app, `tsconfig.${resolution}.json`);
      const options = { ...compilerOptions, target: "es2022", strict: true, noEmit: true, types: ["node"] };
      writeFileSync(
        tsconfig,
        JSON.stringify({ compilerOptions: options, include: ["src", "examples/*.ts"] }),
      );
      exec(process.execPath, [join(app, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig], {
        cwd: app,
        env,
      });
    });
  }
});

describe("TypeScript: CommonJS .cts files and skipLibCheck: false without the DOM lib", () => {
  // Every package's types, checked with the consumer's dependencies' declarations (skipLibCheck: false)
  // and only lib es2023: nothing of ours may pull in declarations that need "dom" (onnxruntime's do).
  const strict = {
    target: "es2022",
    lib: ["es2023"],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: ["node"],
    module: "node16",
    moduleResolution: "node16",
  };
  const esm = `import * as ann from "@xqg/ann";
import * as core from "@xqg/core";
import * as corpus from "@xqg/corpus";
import * as encoders from "@xqg/encoders";
import * as fusion from "@xqg/fusion";
import * as metrics from "@xqg/metrics";
import * as models from "@xqg/models";
import * as querygen from "@xqg/querygen";
import * as report from "@xqg/report";
import * as pipeline from "@xqg/pipeline";
import * as queue from "@xqg/queue";
import * as xqg from "xqg";

export const modules = [ann, core, corpus, encoders, fusion, metrics, models, querygen, report, pipeline, queue, xqg];
export type Session = models.InferenceSession;
export const tensor: models.Tensor = new models.Tensor("int64", BigInt64Array.from([1n]), [1]);
export const measure: metrics.Measure = metrics.parseMeasure("nDCG@10");
export const error: core.XqgError | undefined = undefined;
`;
  // A .cts file: TypeScript emits require() for it, so it resolves each package's "require" types (.d.cts).
  const cts = `import ann = require("@xqg/ann");
import core = require("@xqg/core");
import { readPassages, type Passage } from "@xqg/corpus";
import { createEncoder, type Encoder } from "@xqg/encoders";
import { fuse } from "@xqg/fusion";
import { createEvaluator, parseMeasure, type Measure } from "@xqg/metrics";
import { type InferenceSession, loadTokenizer, Tensor } from "@xqg/models";
import { createGenerator } from "@xqg/querygen";
import { buildExperimentReport } from "@xqg/report";
import { type Plan, planExperiment } from "@xqg/pipeline";
import { parseQueueUrl, type QueueTarget } from "@xqg/queue";
import { main } from "xqg";

export async function consumer(corpus: string): Promise<number> {
  let n = 0;
  for await (const p of readPassages(corpus)) {
    const passage: Passage = p;
    n += passage.text.length;
  }
  const index = ann.Index.create({ dimensions: 2 });
  await index.add(["a"], new Float32Array([1, 0]));
  const hits: string[] = [...index.search(new Float32Array([1, 0]), 1).keys()];
  const fused: Float32Array = fuse({ passages: new Float32Array(2), sums: new Float32Array(2), dimensions: 2 });
  const m: Measure = parseMeasure("MRR@10");
  const evaluator = createEvaluator({ qrels: new Map([["q1", new Map([["d1", 1]])]]) }, [m]);
  const encoder: Encoder = await createEncoder("m");
  const session: InferenceSession | undefined = undefined;
  const ids = new Tensor("int64", BigInt64Array.from([1n]), [1]);
  const err: core.XqgError | undefined = undefined;
  void [hits, fused, evaluator, encoder, session, ids, err, loadTokenizer, createGenerator];
  const plan: Plan | undefined = undefined;
  const target: QueueTarget = parseQueueUrl("redis://127.0.0.1:6379");
  void [buildExperimentReport, planExperiment, plan, target, main];
  return n;
}
`;

  function tsc(name: string, files: Record<string, string>, options: object): string {
    const dir = join(app, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: options, include: Object.keys(files) }),
    );
    return exec(
      process.execPath,
      [
        join(app, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        join(dir, "tsconfig.json"),
        "--listFiles",
      ],
      { cwd: app, env },
    ).stdout;
  }

  it("an ES module importing every package: skipLibCheck false, lib es2023", () => {
    const files = tsc("ts-strict-esm", { "index.ts": esm }, strict);
    for (const p of packages) expect(files, p.name).toContain(`/node_modules/${p.name}/dist/index.d.ts`);
    expect(files).not.toMatch(/onnxruntime-common/);
  });

  it("a .cts file (module node16) gets every package's CommonJS types: skipLibCheck false, lib es2023", () => {
    const files = tsc("ts-cts", { "consumer.cts": cts }, strict);
    for (const p of packages) {
      expect(files, p.name).toContain(`/node_modules/${p.name}/dist/index.d.cts`);
      expect(files, p.name).not.toContain(`/node_modules/${p.name}/dist/index.d.ts\n`);
    }
  });
});

describe("Jest 29 and 30 (installed in the project) load every package from CommonJS test files", () => {
  const suite = `// Jest runs CommonJS tests in its own module system: require() must find real CommonJS files.
const { mkdtempSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const dir = mkdtempSync(join(tmpdir(), "xqg-jest-"));

test("every package resolves to its CommonJS build", () => {
  for (const name of ${JSON.stringify(names)}) expect(require.resolve(name)).toMatch(/[\\/]dist[\\/]index.cjs$/);
});

test("@xqg/core: ids sidecars and XqgError", async () => {
  const { idsPath, readIds, writeIds, XqgError } = require("@xqg/core");
  const ids = idsPath(join(dir, "p.npy"));
  expect(ids).toBe(join(dir, "p.ids"));
  await writeIds(ids, ["doc-1", "doc-2"]);
  expect(await readIds(ids)).toEqual(["doc-1", "doc-2"]);
  expect(new XqgError("boom", { code: "x" })).toBeInstanceOf(Error);
});

test("@xqg/corpus: reads a small passages file", async () => {
  const { readPassages } = require("@xqg/corpus");
  const file = join(dir, "corpus.jsonl");
  writeFileSync(file, '{"docid":"p1","title":"Hamlet","text":"A tragedy."}\\n{"docid":"p2","title":"","text":"Tokyo."}\\n');
  const ids = [];
  for await (const p of readPassages(file)) ids.push([p.docid, p.text]);
  expect(ids).toEqual([["p1", "A tragedy."], ["p2", "Tokyo."]]);
});

test("@xqg/metrics: parses a measure and scores a tiny run against qrels", async () => {
  const { createEvaluator, parseMeasure } = require("@xqg/metrics");
  expect(String(parseMeasure("nDCG@10"))).toBe("nDCG@10");
  const qrels = [{ qid: "q1", docid: "d2", relevance: 1 }, { qid: "q2", docid: "d1", relevance: 1 }];
  const evaluator = createEvaluator({ qrels }, ["MRR@10"]);
  const run = new Map([["q1", new Map([["d1", 2], ["d2", 1]])], ["q2", new Map([["d1", 1]])]]);
  expect((await evaluator.evaluate(run)).scores["MRR@10"].avg).toBeCloseTo(0.75, 12);
});

test("@xqg/report: the experiment table of two systems", () => {
  const { buildExperimentReport, renderExperimentReport } = require("@xqg/report");
  const evaluation = (x) => ({
    measures: ["R@2kt"], languages: ["ja"], counts: { ja: 2 }, tokenizer: "nltk",
    scores: { "R@2kt": { ja: x, avg: x } },
    perQuery: [{ id: "a", lang: "ja", values: { "R@2kt": x } }, { id: "b", lang: "ja", values: { "R@2kt": x } }],
  });
  const report = buildExperimentReport([
    { alpha: 0, queriesPerLanguage: undefined, evaluation: evaluation(0.5) },
    { alpha: 0.01, queriesPerLanguage: undefined, evaluation: evaluation(1) },
  ]);
  expect(report.rows[1].scores["R@2kt"].avg).toBe(1);
  expect(renderExperimentReport(report).get("report.md")).toContain("| xQG α = 0.01");
});

test("@xqg/ann: usearch's native addon, exact and approximate search", async () => {
  const { exactSearch, Index } = require("@xqg/ann");
  const index = Index.create({ dimensions: 2 });
  await index.add(["a", "b"], new Float32Array([1, 0, 0, 1]));
  expect([...index.search(new Float32Array([0.1, 0.9]), 1).keys()]).toEqual(["b"]);
  const run = await exactSearch(Float32Array.of(0.9, 0.1), Float32Array.of(1, 0, 0, 1), { dimensions: 2, depth: 1, ids: ["a", "b"], queryIds: ["q"] });
  expect([...run.get("q").keys()]).toEqual(["a"]);
});

test("@xqg/fusion: the paper's formula", () => {
  const { fuse } = require("@xqg/fusion");
  expect(Array.from(fuse({ passages: Float32Array.of(1, 0, 0, 1), sums: Float32Array.of(6, 2, 0, 10), dimensions: 2, alpha: 0.5 }))).toEqual([3.5, 1, 0, 5.5]);
});

test("@xqg/models: resolves a model directory and tokenises", async () => {
  const { loadTokenizer, ensureModel } = require("@xqg/models");
  const model = await ensureModel(process.env.XQG_ENCODER_MODEL);
  expect(model.task).toBe("encoder");
  const tokenizer = await loadTokenizer(model.dir);
  expect(tokenizer.encode("Who wrote Hamlet?").ids.length).toBeGreaterThan(2);
});

test("@xqg/encoders: the paper's defaults (ONNX runs: onnx.test.cjs)", () => {
  const { ENCODER_DEFAULTS } = require("@xqg/encoders");
  expect([ENCODER_DEFAULTS.pooling, ENCODER_DEFAULTS.maxLength.query, ENCODER_DEFAULTS.maxLength.passage]).toEqual(["cls", 32, 128]);
});

test("@xqg/querygen: prompts (ONNX runs: onnx.test.cjs)", () => {
  const { formatPrompt, GENERATION_DEFAULTS } = require("@xqg/querygen");
  expect(formatPrompt(GENERATION_DEFAULTS.prompt, { lang: "ja", title: "Hamlet", passage: "A tragedy." })).toBe(
    "Generate a Japanese question for this passage: Hamlet A tragedy.",
  );
});

test("@xqg/pipeline: the experiment as a library plans a config as plain data", () => {
  const { parseConfig, planExperiment } = require("@xqg/pipeline");
  const config = parseConfig("corpus: c.jsonl\\nqueries: q.jsonl\\nencoder: e\\ngenerator: g\\n", "x.yaml");
  const plan = planExperiment(config);
  expect(plan.units[0].key).toBe("generate");
  expect(JSON.parse(JSON.stringify(plan.units))).toEqual(plan.units);
});
`;

  // onnxruntime-node builds its output tensors from typed arrays of Node's own realm, and Jest runs each test
  // file in a realm of its own, where \`instanceof Float32Array\` is false for them ("A float32 tensor's data
  // must be type of function Float32Array()", microsoft/onnxruntime#16622). A test file that runs ONNX graphs
  // names an environment that gives the test realm Node's typed arrays; the README says the same.
  const environment = `const { TestEnvironment } = require("jest-environment-node");

module.exports = class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ["ArrayBuffer", "Float32Array", "Float64Array", "Int8Array", "Uint8Array", "Int16Array",
      "Uint16Array", "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array"])
      this.global[name] = globalThis[name];
  }
};
`;
  const onnx = `/** @jest-environment ./onnx-environment.cjs */
test("@xqg/encoders: encodes a query with ONNX Runtime", async () => {
  const { createEncoder } = require("@xqg/encoders");
  const encoder = await createEncoder(process.env.XQG_ENCODER_MODEL);
  try {
    const vectors = await encoder.encode(["Who wrote Hamlet?"], { role: "query" });
    expect(vectors.length).toBe(encoder.dimensions);
    expect(Array.from(vectors).every(Number.isFinite)).toBe(true);
  } finally {
    await encoder.close();
  }
});

test("@xqg/querygen: generates queries for a passage", async () => {
  const { createGenerator } = require("@xqg/querygen");
  const generator = await createGenerator(process.env.XQG_GENERATOR_MODEL);
  const out = [];
  try {
    const passages = [{ docid: "p1", title: "Hamlet", text: "Hamlet is a tragedy by William Shakespeare." }];
    for await (const r of generator.generate(passages, { languages: ["ja"], perLanguage: 2, seed: 7 })) out.push(r);
  } finally {
    await generator.close();
  }
  expect(out.map((r) => [r.docid, r.queries.ja.length])).toEqual([["p1", 2]]);
});
`;

  // Each Jest major in a folder of the project with its own package.json and node_modules (so the environment
  // file's require("jest-environment-node") finds that Jest's own); the packages come from the project's.
  it.each([29, 30])("every test in the *.test.cjs files passes under Jest %i", (major) => {
    const dir = join(app, `jest${major}`);
    mkdirSync(join(dir, "test"), { recursive: true });
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: `jest${major}`, private: true })}\n`);
    exec("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `jest@${major}`], {
      cwd: dir,
      env,
    });
    writeFileSync(join(dir, "test", "packages.test.cjs"), suite);
    writeFileSync(join(dir, "onnx-environment.cjs"), environment);
    writeFileSync(join(dir, "test", "onnx.test.cjs"), onnx);
    writeFileSync(
      join(dir, "jest.config.cjs"),
      'module.exports = { testEnvironment: "node", roots: ["<rootDir>/test"], testMatch: ["**/*.test.cjs"] };\n',
    );
    const jest = join(dir, "node_modules", "jest", "bin", "jest.js");
    const r = exec(process.execPath, [jest, "--ci", "--colors=false", "--verbose"], {
      cwd: dir,
      env,
      ok: [0, 1],
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Tests:\s+13 passed, 13 total/);
    const version = JSON.parse(readFileSync(join(dir, "node_modules", "jest", "package.json"), "utf8")) as {
      version: string;
    };
    expect(version.version.split(".")[0]).toBe(String(major));
  });
});

describe("CommonJS require() of every package (its CommonJS build)", () => {
  it("gives the same exports as import", () => {
    const names = JSON.stringify(packages.map((p) => p.name));
    const list = (how: string) =>
      `const out = {}; for (const name of ${names}) out[name] = Object.keys(${how}).sort(); console.log(JSON.stringify(out));`;
    writeFileSync(join(app, "require-all.cjs"), list("require(name)"));
    writeFileSync(join(app, "import-all.mjs"), list("await import(name)"));
    const required = JSON.parse(node(["require-all.cjs"]).stdout) as Record<string, string[]>;
    const imported = JSON.parse(node(["import-all.mjs"]).stdout) as Record<string, string[]>;
    expect(required).toEqual(imported);
    for (const p of packages) expect(required[p.name]!.length, p.name).toBeGreaterThan(0);
    writeFileSync(
      join(app, "resolve-all.cjs"),
      `console.log(JSON.stringify(${names}.map((n) => require.resolve(n))));`,
    );
    for (const file of JSON.parse(node(["resolve-all.cjs"]).stdout) as string[])
      expect(file).toMatch(/\/dist\/index\.cjs$/);
  });

  it("works, native addons included (usearch through @xqg/ann)", () => {
    writeFileSync(
      join(app, "search.cjs"),
      `const { Index } = require("@xqg/ann");
const index = Index.create({ dimensions: 2 });
index.add(["a", "b"], new Float32Array([1, 0, 0, 1])).then(() =>
  console.log([...index.search(new Float32Array([0.1, 0.9]), 1).keys()].join()),
);`,
    );
    expect(node(["search.cjs"]).stdout).toBe("b\n");
  });
});
