// Decoding presets (`generate.preset`): one per published source, resolved to concrete settings before a unit
// records them, so a unit made before presets existed, or with the same values given one by one, stays up to date.
import { copyFile, cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { codeVersions, parseConfig } from "@xqg/pipeline";
import { GENERATION_DEFAULTS } from "@xqg/querygen";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { oneOffManifest, QUICKSTART, TINY_MT5, xqg } from "./helpers.js";

const BASE = "corpus: c.jsonl\nqueries: q.jsonl\nencoder: enc\ngenerator: gen\n";
const generateOf = (yaml: string) => parseConfig(`${BASE}${yaml}`, "/tmp/xqg.yaml").stages.generate;
const GOLDEN = join(import.meta.dirname, "golden/generate-before-presets");

describe("generate.preset in the config", () => {
  it("defaults to xqg4xdr: the settings every config had before presets", () => {
    const g = generateOf("");
    expect(g.preset).toBe("xqg4xdr");
    expect([g.strategy, g.topK, g.maxLength, g.maxInputLength]).toEqual(["sample", 50, 64, 512]);
    expect(generateOf("generate: { preset: xqg4xdr }")).toEqual(g);
  });

  it("dsi-qg: top-k 10, max_length 32, inputs cut at 256 tokens; keys given beside it win", () => {
    const d = generateOf("generate: { preset: dsi-qg }");
    expect([d.strategy, d.topK, d.maxLength, d.maxInputLength]).toEqual(["sample", 10, 32, 256]);
    const mixed = generateOf("generate: { maxLength: 40, preset: dsi-qg, topP: 0.9 }");
    expect([mixed.topK, mixed.maxLength, mixed.maxInputLength, mixed.topP]).toEqual([10, 40, 256, 0.9]);
    // the order of the keys is the fields' order whatever the config's: what a unit records does not move
    expect(Object.keys(mixed)).toEqual(Object.keys(generateOf("")));
  });

  it("names the presets when the config names another", () => {
    expect(() => generateOf("generate:\n  preset: hf\n")).toThrow(
      '/tmp/xqg.yaml:6: generate.preset: expected one of "xqg4xdr", "dsi-qg", got "hf"',
    );
  });

  it("each preset names its source; the defaults are the xqg4xdr preset's", () => {
    for (const preset of Object.values(GENERATION_DEFAULTS.presets)) expect(preset.source).toMatch(/commit/);
    const { source: _source, ...xqg4xdr } = GENERATION_DEFAULTS.presets.xqg4xdr;
    for (const [key, value] of Object.entries(xqg4xdr))
      expect(GENERATION_DEFAULTS[key as keyof typeof xqg4xdr], key).toBe(value);
  });
});

describe("a generate unit recorded before presets existed", () => {
  const flags = ["--languages", "ja,te", "--per-language", "2", "--max-length", "8", "--seed", "3"];

  /** The recorded corpus, output and manifest in `dir`, the manifest's generator re-pointed at this checkout. */
  async function recorded(dir: string) {
    const lines = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).split("\n").slice(0, 4);
    await writeFile(join(dir, "corpus.jsonl"), `${lines.join("\n")}\n`);
    const out = join(dir, "gen.jsonl");
    await copyFile(join(GOLDEN, "gen.jsonl"), out);
    const manifest = JSON.parse(await readFile(join(GOLDEN, "manifest.json"), "utf8"));
    const at = oneOffManifest(out);
    // the generator folder as it was when the unit was recorded: the fixture without the float16 and int8 graphs
    // added to it since (a model folder is hashed whole, so they would make the unit stale on their own)
    await cp(TINY_MT5, join(dir, "tiny-mt5"), {
      recursive: true,
      filter: (src) => !/_(fp16|quantized)\.onnx$/.test(src),
    });
    manifest.inputs.generator.path = relative(join(at, ".."), join(dir, "tiny-mt5"));
    // the recording's package versions are this checkout's (0.0.0 until a release; a release bumps them all);
    // it was made before @xqg/pipeline existed, so the pipeline's version is recorded as xqg's
    const { xqg: pipeline, ...others } = manifest.packages as Record<string, string>;
    const recordedNow = { ...others, "@xqg/pipeline": pipeline };
    const today = codeVersions();
    expect(recordedNow).toEqual(
      Object.fromEntries(Object.keys(recordedNow).map((name) => [name, today[name]])),
    );
    await mkdir(join(at, ".."), { recursive: true });
    await writeFile(at, JSON.stringify(manifest, null, 2));
    return { out, manifest: at };
  }

  const generate = (dir: string, ...more: string[]) =>
    xqg(
      "generate",
      "--corpus",
      join(dir, "corpus.jsonl"),
      "--generator",
      join(dir, "tiny-mt5"),
      "--out",
      join(dir, "gen.jsonl"),
      "--threads",
      "1",
      ...flags,
      ...more,
    );

  it("stays up to date without a preset, with --preset xqg4xdr and with its values given one by one", async () => {
    await withTempDir(async (dir) => {
      const { out } = await recorded(dir);
      const before = await readFile(out, "utf8");
      for (const more of [[], ["--preset", "xqg4xdr"], ["--top-k", "50", "--max-input-length", "512"]]) {
        const run = await generate(dir, ...more);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr, more.join(" ")).toMatch(/generate: up to date/);
      }
      expect(await readFile(out, "utf8")).toBe(before);
    });
  });

  it("is out of date under dsi-qg (top-k 10), and the same settings reproduce the recorded output", async () => {
    await withTempDir(async (dir) => {
      const { out, manifest } = await recorded(dir);
      const before = await readFile(out, "utf8");
      const dsi = await generate(dir, "--preset", "dsi-qg", "--max-length", "8");
      expect(dsi.code, dsi.stderr).toBe(0);
      expect(dsi.stderr).toMatch(/generate: out of date: a setting changed: topK/);
      expect(JSON.parse(await readFile(manifest, "utf8")).params).toMatchObject({
        topK: 10,
        maxLength: 8,
        maxInputLength: 256,
      });
      // back to the default: generated again, byte for byte what the code before presets wrote
      const again = await generate(dir);
      expect(again.stderr).toMatch(/generate: out of date/);
      expect(await readFile(out, "utf8")).toBe(before);
      const params = JSON.parse(await readFile(manifest, "utf8")).params;
      expect(JSON.stringify(params)).toBe(
        JSON.stringify(JSON.parse(await readFile(join(GOLDEN, "manifest.json"), "utf8")).params),
      );
    });
  });
});
