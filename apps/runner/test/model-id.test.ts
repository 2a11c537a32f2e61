/**
 * Models by Hugging Face id in the stage commands (the hub cache via HF_HUB_CACHE, offline), and the generator's
 * input length (`generate.maxInputLength`) from the flags and the config to @xqg/querygen and the manifest.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseConfig } from "@xqg/pipeline";
import { createGenerator } from "@xqg/querygen";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneOffManifest, QUICKSTART, TINY_BERT, TINY_MT5, xqg } from "./helpers.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const saved = { cache: process.env["HF_HUB_CACHE"], offline: process.env["HF_HUB_OFFLINE"] };
let cache: string;

/** A snapshot in the hub cache as @xqg/models downloads it: refs/main, snapshots/<sha>/ with graphs under onnx/. */
async function cached(id: string, from: string, files: string[], graphs: string[]): Promise<string> {
  const repo = join(cache, `models--${id.replace("/", "--")}`);
  const snapshot = join(repo, "snapshots", SHA);
  await mkdir(join(snapshot, "onnx"), { recursive: true });
  await mkdir(join(repo, "refs"), { recursive: true });
  await writeFile(join(repo, "refs", "main"), SHA);
  for (const file of files) await cp(join(from, file), join(snapshot, file));
  for (const graph of graphs) await cp(join(from, graph), join(snapshot, "onnx", graph));
  return snapshot;
}

let bert: string;
let mt5: string;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "xqg-model-id-"));
  cache = join(tmp, "hub");
  bert = await cached("xqg-test/tiny-bert", TINY_BERT, ["config.json", "tokenizer.json"], ["model.onnx"]);
  mt5 = await cached(
    "xqg-test/tiny-mt5",
    TINY_MT5,
    ["config.json", "generation_config.json", "tokenizer.json"],
    ["encoder_model.onnx", "decoder_model_merged.onnx"],
  );
  process.env["HF_HUB_CACHE"] = cache;
  process.env["HF_HUB_OFFLINE"] = "1";
});
afterAll(async () => {
  for (const [key, value] of [
    ["HF_HUB_CACHE", saved.cache],
    ["HF_HUB_OFFLINE", saved.offline],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await rm(tmp, { recursive: true, force: true });
});

async function corpus(): Promise<string> {
  const file = join(tmp, "corpus.jsonl");
  const lines = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).split("\n").slice(0, 3);
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

async function ok(...argv: string[]): Promise<void> {
  const result = await xqg(...argv, "--quiet", "--threads", "1");
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
}

const lines = async (file: string) =>
  (await readFile(file, "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("models by Hugging Face id", () => {
  it("generate --generator org/name opens the cached snapshot; --max-input-length reaches the generator", async () => {
    const input = await corpus();
    const base = ["--corpus", input, "--languages", "ja", "--strategy", "greedy", "--max-length", "8"];
    const short = join(tmp, "short.jsonl");
    const long = join(tmp, "long.jsonl");
    await ok(
      "generate",
      ...base,
      "--generator",
      "xqg-test/tiny-mt5",
      "--max-input-length",
      "8",
      "--out",
      short,
    );
    await ok("generate", ...base, "--generator", "xqg-test/tiny-mt5", "--out", long);
    const manifest = JSON.parse(await readFile(oneOffManifest(short), "utf8"));
    expect(manifest.params.maxInputLength).toBe(8);
    expect(manifest.inputs.generator.path).toBe(relative(dirname(oneOffManifest(short)), mt5));
    expect(JSON.parse(await readFile(oneOffManifest(long), "utf8")).params.maxInputLength).toBe(512);

    const generator = await createGenerator(TINY_MT5, { maxInputLength: 8, session: { threads: 1 } });
    try {
      const passages = (await lines(input)) as Array<{ docid: string; title: string; text: string }>;
      const expected = [];
      for await (const r of generator.generate(passages, {
        languages: ["ja"],
        strategy: "greedy",
        maxLength: 8,
      }))
        expected.push(r);
      expect(await lines(short)).toEqual(expected);
    } finally {
      await generator.close();
    }
    expect(await lines(short)).not.toEqual(await lines(long));
  });

  it("encode --encoder org/name embeds with the cached snapshot, as with the directory", async () => {
    const dev = join(QUICKSTART, "dev.jsonl");
    const byId = join(tmp, "by-id.npy");
    const byDir = join(tmp, "by-dir.npy");
    await ok("encode", "--queries", dev, "--encoder", "xqg-test/tiny-bert", "--out", byId);
    await ok("encode", "--queries", dev, "--encoder", TINY_BERT, "--out", byDir);
    expect((await readFile(byId)).equals(await readFile(byDir))).toBe(true);
    const manifest = JSON.parse(await readFile(oneOffManifest(byId), "utf8"));
    expect(manifest.inputs.encoder.path).toBe(relative(dirname(oneOffManifest(byId)), bert));
  });

  it("an id neither cached nor a path: one line, and no network with HF_HUB_OFFLINE", async () => {
    const result = await xqg(
      "encode",
      "--queries",
      join(QUICKSTART, "dev.jsonl"),
      "--encoder",
      "xqg-test/absent",
      "--out",
      join(tmp, "absent.npy"),
      "--quiet",
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(
      `no snapshot of xqg-test/absent@main in the Hugging Face cache (${join(cache, "models--xqg-test--absent", "refs", "main")}); offline (HF_HUB_OFFLINE), so the hub was not asked`,
    );
  });
});

describe("generate.maxInputLength in the config", () => {
  it("is the DSI-QG settings' one-line change, and checked like any integer setting", () => {
    const text =
      "corpus: c\nqueries: q\nencoder: e\ngenerator: g\ngenerate: { topK: 10, maxLength: 32, maxInputLength: 256 }\n";
    const config = parseConfig(text, "exp.yaml", "/work/exp/exp.yaml");
    expect(config.stages.generate).toMatchObject({ topK: 10, maxLength: 32, maxInputLength: 256 });
    expect(
      parseConfig("corpus: c\nqueries: q\nencoder: e\ngenerator: g\n", "x.yaml", "/w/x.yaml").stages.generate
        .maxInputLength,
    ).toBe(512);
    expect(() =>
      parseConfig(
        "corpus: c\nqueries: q\nencoder: e\ngenerator: g\ngenerate: { maxInputLength: 1 }\n",
        "exp.yaml",
        "/w/exp.yaml",
      ),
    ).toThrow("exp.yaml:5: generate.maxInputLength: expected an integer in [2, 8192], got 1");
  });
});
