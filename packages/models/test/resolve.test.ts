import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureDir } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { ModelError } from "../src/index.js";
import { resolveModel } from "../src/resolve.js";

function layout(dir: string, files: string[]): string {
  for (const file of files) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), "{}");
  }
  return dir;
}

function errorOf(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ModelError) return error;
    throw error;
  }
  throw new Error("expected a ModelError");
}

const META = ["config.json", "tokenizer.json"];

describe("resolveModel", () => {
  it("finds model.onnx beside config.json (Optimum layout)", () =>
    withTempDir(async (dir) => {
      layout(dir, [...META, "model.onnx"]);
      expect(resolveModel(dir)).toEqual({
        dir,
        task: "encoder",
        config: join(dir, "config.json"),
        tokenizer: join(dir, "tokenizer.json"),
        model: join(dir, "model.onnx"),
      });
    }));

  it("finds onnx/model.onnx (transformers.js layout) and the quantised variant only when asked", () =>
    withTempDir(async (dir) => {
      layout(dir, [...META, "onnx/model.onnx", "onnx/model_quantized.onnx", "onnx/model_fp16.onnx"]);
      expect(resolveModel(dir).model).toBe(join(dir, "onnx", "model.onnx"));
      expect(resolveModel(dir, { quantized: true }).model).toBe(join(dir, "onnx", "model_quantized.onnx"));
      expect(resolveModel(dir, { variant: "fp16" }).model).toBe(join(dir, "onnx", "model_fp16.onnx"));
    }));

  it("names the missing quantised graph and lists the graphs that are there", () =>
    withTempDir(async (dir) => {
      layout(dir, [...META, "model.onnx"]);
      const error = errorOf(() => resolveModel(dir, { quantized: true }));
      expect(error.code).toBe("missing-file");
      expect(error.message).toBe(
        `${dir}: no model_quantized.onnx (encoder) or encoder_model_quantized.onnx (seq2seq) found in the ` +
          "directory or its onnx/ folder; graphs present: model.onnx",
      );
      const forced = errorOf(() => resolveModel(dir, { task: "encoder", quantized: true }));
      expect(forced.message).toBe(
        `${dir}: model_quantized.onnx not found; an encoder is expected as model_quantized.onnx or ` +
          "onnx/model_quantized.onnx; graphs present: model.onnx",
      );
      expect(forced.file).toBe(join(dir, "model_quantized.onnx"));
    }));

  it("resolves a seq2seq export with a merged decoder", () =>
    withTempDir(async (dir) => {
      layout(dir, [...META, "generation_config.json", "encoder_model.onnx", "decoder_model_merged.onnx"]);
      expect(resolveModel(dir)).toEqual({
        dir,
        task: "seq2seq",
        config: join(dir, "config.json"),
        tokenizer: join(dir, "tokenizer.json"),
        generationConfig: join(dir, "generation_config.json"),
        encoder: join(dir, "encoder_model.onnx"),
        decoderMerged: join(dir, "decoder_model_merged.onnx"),
      });
    }));

  it("resolves the split decoder form under onnx/", () =>
    withTempDir(async (dir) => {
      layout(dir, [
        ...META,
        "onnx/encoder_model.onnx",
        "onnx/decoder_model.onnx",
        "onnx/decoder_with_past_model.onnx",
      ]);
      const files = resolveModel(dir, { task: "seq2seq" });
      expect(files.decoderMerged).toBeUndefined();
      expect(files.decoder).toBe(join(dir, "onnx", "decoder_model.onnx"));
      expect(files.decoderWithPast).toBe(join(dir, "onnx", "decoder_with_past_model.onnx"));
      expect(files.generationConfig).toBeUndefined();
    }));

  it("says which decoder file is missing", () =>
    withTempDir(async (dir) => {
      layout(dir, [...META, "encoder_model.onnx", "decoder_model.onnx"]);
      const error = errorOf(() => resolveModel(dir));
      expect(error.message).toBe(
        `${dir}: decoder_with_past_model.onnx not found; a seq2seq model needs decoder_model_merged.onnx, or ` +
          "decoder_model.onnx together with decoder_with_past_model.onnx (in the directory or its onnx/ folder); " +
          "graphs present: decoder_model.onnx, encoder_model.onnx",
      );
    }));

  it("requires config.json and tokenizer.json", () =>
    withTempDir(async (dir) => {
      layout(dir, ["model.onnx", "config.json"]);
      expect(errorOf(() => resolveModel(dir)).message).toBe(
        `${dir}: tokenizer.json not found (export the fast tokenizer (tokenizer.save_pretrained or optimum-cli ` +
          "export onnx writes tokenizer.json))",
      );
      expect(errorOf(() => resolveModel(join(dir, "nope"))).message).toBe(
        `${join(dir, "nope")}: model directory not found`,
      );
    }));

  it("rejects a variant that is not a file-name suffix", () =>
    withTempDir(async (dir) => {
      layout(dir, [...META, "model.onnx"]);
      expect(errorOf(() => resolveModel(dir, { variant: "../x" })).code).toBe("invalid-option");
    }));
});

describe("resolveModel on the committed fixtures", () => {
  it("resolves tiny-bert, tiny-mt5 (merged decoder) and tiny-mt5-split", () => {
    expect(resolveModel(fixtureDir("tiny-bert")).model).toBe(join(fixtureDir("tiny-bert"), "model.onnx"));
    const merged = resolveModel(fixtureDir("tiny-mt5"));
    expect(merged.task).toBe("seq2seq");
    expect(merged.decoderMerged).toBe(join(fixtureDir("tiny-mt5"), "decoder_model_merged.onnx"));
    expect(merged.generationConfig).toBe(join(fixtureDir("tiny-mt5"), "generation_config.json"));
    const split = resolveModel(fixtureDir("tiny-mt5-split"));
    expect(split.decoderMerged).toBeUndefined();
    expect(split.decoderWithPast).toBe(join(fixtureDir("tiny-mt5-split"), "decoder_with_past_model.onnx"));
    expect(() => resolveModel(fixtureDir("tiny-mt5"), { task: "encoder" })).toThrow(/model\.onnx not found/);
  });
});
