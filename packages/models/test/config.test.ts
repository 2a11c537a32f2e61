import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureDir } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { maxInputLength } from "../src/config.js";
import { clampMaxLength, describeModel, loadModelConfig } from "../src/index.js";

describe("loadModelConfig", () => {
  it("merges generation_config.json under .generation", () =>
    withTempDir(async (dir) => {
      writeFileSync(
        join(dir, "config.json"),
        JSON.stringify({ model_type: "mt5", d_model: 8, vocab_size: 100 }),
      );
      writeFileSync(join(dir, "generation_config.json"), JSON.stringify({ decoder_start_token_id: 0 }));
      expect(await loadModelConfig(dir)).toEqual({
        model_type: "mt5",
        d_model: 8,
        vocab_size: 100,
        generation: { decoder_start_token_id: 0 },
      });
      expect(await loadModelConfig(join(dir, "config.json"))).toEqual(await loadModelConfig(dir));
    }));

  it("names the file and field of a bad value", () =>
    withTempDir(async (dir) => {
      writeFileSync(join(dir, "config.json"), JSON.stringify({ hidden_size: "768" }));
      await expect(loadModelConfig(dir)).rejects.toThrow(
        `${join(dir, "config.json")}: field "hidden_size" must be a positive integer, got "768"`,
      );
      writeFileSync(join(dir, "config.json"), "{ nope");
      await expect(loadModelConfig(dir)).rejects.toThrow(`${join(dir, "config.json")}: not valid JSON`);
    }));
});

describe("clampMaxLength", () => {
  it("passes lengths within max_position_embeddings through silently", () => {
    const warnings: string[] = [];
    expect(clampMaxLength(512, { max_position_embeddings: 512 }, { warn: (m) => warnings.push(m) })).toBe(
      512,
    );
    expect(clampMaxLength(4096, { model_type: "t5" }, { warn: (m) => warnings.push(m) })).toBe(4096);
    expect(warnings).toEqual([]);
  });

  it("clamps with a warning, minding RoBERTa's position offset", () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(clampMaxLength(1000, { max_position_embeddings: 512 }, { warn })).toBe(512);
    const xlmr = { model_type: "xlm-roberta", max_position_embeddings: 514, pad_token_id: 1 };
    expect(maxInputLength(xlmr)).toBe(512);
    expect(clampMaxLength(514, xlmr, { warn })).toBe(512);
    expect(warnings).toEqual([
      "maxLength 1000 exceeds the model's max_position_embeddings limit of 512 tokens; using 512",
      "maxLength 514 exceeds the model's max_position_embeddings limit of 512 tokens; using 512",
    ]);
  });

  it("rejects a non-positive length", () => {
    expect(() => clampMaxLength(0, {})).toThrow("maxLength must be a positive integer, got 0");
  });
});

describe("describeModel and loadModelConfig on the committed fixtures", () => {
  it("describes tiny-bert and tiny-mt5", async () => {
    const bert = await describeModel(fixtureDir("tiny-bert"));
    expect(bert).toMatchObject({
      id: "tiny-bert",
      task: "encoder",
      modelType: "bert",
      hiddenSize: 64,
      layers: 2,
      maxPositionEmbeddings: 64,
      maxInputLength: 64,
      graphs: ["model.onnx"],
    });
    const t5 = await describeModel(fixtureDir("tiny-mt5"));
    expect(t5.task).toBe("seq2seq");
    expect(t5.maxInputLength).toBeUndefined();
    expect(t5.graphs).toEqual(["encoder_model.onnx", "decoder_model_merged.onnx"]);
    const config = await loadModelConfig(fixtureDir("tiny-mt5"));
    expect(config.generation?.decoder_start_token_id).toBe(0);
  });
});
