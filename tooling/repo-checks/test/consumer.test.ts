// A team's project that installs the packed packages with plain npm, outside the workspace: every published
// package's README example runs as written, TypeScript consumers type-check (node16 and bundler resolution),
// and CommonJS can require() every package. Runs on each Node line the suite runs on (22 and 24).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureDir } from "@xqg/fixtures";
import { sharedDataDir, sharedSkipReason } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, userEnv } from "../src/exec.js";
import { packAll } from "../src/pack.js";
import type { Tarball } from "../src/tarball.js";
import { publishedPackages, ROOT } from "../src/workspace.js";

const packages = publishedPackages();
const work = mkdtempSync(join(tmpdir(), "xqg-consumer-"));
const tarballDir = join(work, "tarballs");
const app = join(work, "app");
let tarballs = new Map<string, Tarball>();

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

beforeAll(() => {
  tarballs = packAll(tarballDir);
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "app", private: true, type: "module" })}\n`,
  );
  // Plain npm, dependencies resolved fresh from the registry (newest in range), as a consumer's would be.
  exec(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...[...tarballs.values()].map((t) => t.path),
      "typescript@5.9.3",
      "@types/node@22",
    ],
    { cwd: app, env },
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

it("packs every published package", () => {
  expect([...tarballs.keys()].sort()).toEqual(packages.map((p) => p.name).sort());
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

  for (const p of packages.filter((p) => p.name !== "xqg")) {
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
      tarballs.get("xqg")!.manifest.version,
    );
    const r = exec("npx", ["--no-install", "xqg", "run", "examples/quickstart/xqg.yaml"], { cwd: app, env });
    // The report the workspace's own run of the quick start prints (golden/README.md says how it is made).
    const golden = readFileSync(
      join(ROOT, "tooling", "repo-checks", "golden", "quickstart-report.md"),
      "utf8",
    );
    expect(r.stdout).toBe(golden);
    expect(readFileSync(join(quickstart, "out", "report", "report.md"), "utf8")).toBe(golden);
  });
});

describe("TypeScript consumers type-check against the packed types", () => {
  const consumer = `import { exactSearch, Index } from "@xqg/ann";
import { type Passage, readPassages } from "@xqg/corpus";
import { createEncoder, type Encoder } from "@xqg/encoders";
import { augment } from "@xqg/fusion";
import { createEvaluator, type Evaluation } from "@xqg/metrics";
import { loadTokenizer, resolveModel } from "@xqg/models";
import { createGenerator } from "@xqg/querygen";

export async function consumer(corpus: string): Promise<number> {
  let n = 0;
  for await (const p of readPassages(corpus)) {
    const passage: Passage = p;
    n += passage.text.length;
  }
  const index = Index.create({ dimensions: 2 });
  index.add(["a"], new Float32Array([1, 0]));
  const hits: string[] = index.search(new Float32Array([1, 0]), 1).ids;
  const exact = exactSearch(new Float32Array([1, 0]), ["a"], new Float32Array([1, 0]), 1, { dimensions: 2 });
  const fused: Float32Array = augment(new Float32Array(2), new Float32Array(2), { dim: 2, alpha: 0.01 });
  const tokens: Evaluation = await createEvaluator({ qrels: [] }, ["nDCG@10"]).evaluate(new Map());
  const encoder: Encoder = await createEncoder(resolveModel("m").dir);
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

describe("CommonJS require() of every package (ESM-first; Node ≥ 22.12 requires ESM)", () => {
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
  });

  it("works, native addons included (usearch through @xqg/ann)", () => {
    writeFileSync(
      join(app, "search.cjs"),
      `const { Index } = require("@xqg/ann");
const index = Index.create({ dimensions: 2 });
index.add(["a", "b"], new Float32Array([1, 0, 0, 1]));
console.log(index.search(new Float32Array([0.1, 0.9]), 1).ids.join());`,
    );
    expect(node(["search.cjs"]).stdout).toBe("b\n");
  });
});
