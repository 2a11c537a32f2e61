import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureDir } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { expect, it } from "vitest";
import { createGenerator } from "../src/index.js";

// tiny-mt5's encoder reads input_ids from model.shared.weight, 3,008 rows; its tokenizer has ids up to 3,007.

it("a tokenizer with ids past the encoder's embedding table is refused when the generator opens", async () => {
  await withTempDir(async (dir) => {
    const model = join(dir, "broken-mt5");
    cpSync(fixtureDir("tiny-mt5"), model, { recursive: true });
    const file = join(model, "tokenizer.json");
    const tokenizer = JSON.parse(readFileSync(file, "utf8")) as { model: { vocab: Array<[string, number]> } };
    for (let i = 0; i < 20; i++) tokenizer.model.vocab.push([`▁extra${i}`, -10]);
    writeFileSync(file, JSON.stringify(tokenizer));
    const rows = tokenizer.model.vocab.length - 20;
    await expect(createGenerator(model)).rejects.toThrow(
      expect.objectContaining({
        name: "ModelError",
        code: "model-mismatch",
        message:
          `${join(model, "encoder_model.onnx")}: the graph's embedding table model.shared.weight has 3008 rows, ` +
          `but ${file} has token ids up to ${rows + 19}: the tokenizer and the graph come from different models`,
      }),
    );
  });
});

it("config.json's vocab_size other than the table's rows is refused", async () => {
  await withTempDir(async (dir) => {
    const model = join(dir, "broken-mt5");
    cpSync(fixtureDir("tiny-mt5"), model, { recursive: true });
    const file = join(model, "config.json");
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), vocab_size: 250_112 }));
    await expect(createGenerator(model)).rejects.toThrow(
      `${join(model, "encoder_model.onnx")}: the graph's embedding table model.shared.weight has 3008 rows, but ` +
        `${file} says vocab_size 250112: the config and the graph come from different models`,
    );
  });
});
