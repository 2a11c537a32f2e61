import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { clampMaxLength, loadConfig, maxInputLength } from "../src/index.js";

describe("loadConfig", () => {
  it("merges generation_config.json under .generation", () =>
    withTempDir(async (dir) => {
      writeFileSync(
        join(dir, "config.json"),
        JSON.stringify({ model_type: "mt5", d_model: 8, vocab_size: 100 }),
      );
      writeFileSync(join(dir, "generation_config.json"), JSON.stringify({ decoder_start_token_id: 0 }));
      expect(await loadConfig(dir)).toEqual({
        model_type: "mt5",
        d_model: 8,
        vocab_size: 100,
        generation: { decoder_start_token_id: 0 },
      });
      expect(await loadConfig(join(dir, "config.json"))).toEqual(await loadConfig(dir));
    }));

  it("names the file and field of a bad value", () =>
    withTempDir(async (dir) => {
      writeFileSync(join(dir, "config.json"), JSON.stringify({ hidden_size: "768" }));
      await expect(loadConfig(dir)).rejects.toThrow(
        `${join(dir, "config.json")}: field "hidden_size" must be a positive integer, got "768"`,
      );
      writeFileSync(join(dir, "config.json"), "{ nope");
      await expect(loadConfig(dir)).rejects.toThrow(`${join(dir, "config.json")}: not valid JSON`);
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
