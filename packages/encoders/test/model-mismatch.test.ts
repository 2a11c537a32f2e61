import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureDir } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { createEncoder } from "../src/index.js";

// A model folder whose graph disagrees with its tokenizer.json or config.json used to fail inside ONNX Runtime
// with a coloured Gather error naming no model. It now fails in one line naming the graph and what disagrees:
// at load time where the counts say so, at run time where only a token id does.

type Edit = (
  tokenizer: { model: { vocab: Record<string, number> } },
  config: Record<string, unknown>,
) => void;

/** A copy of tiny-bert (5,830 tokens, an embedding table of 5,830 rows) with its tokenizer or config edited. */
async function brokenCopy(dir: string, edit: Edit): Promise<string> {
  const model = join(dir, "broken-bert");
  cpSync(fixtureDir("tiny-bert"), model, { recursive: true });
  const tokenizer = JSON.parse(readFileSync(join(model, "tokenizer.json"), "utf8"));
  const config = JSON.parse(readFileSync(join(model, "config.json"), "utf8"));
  edit(tokenizer, config);
  writeFileSync(join(model, "tokenizer.json"), JSON.stringify(tokenizer));
  writeFileSync(join(model, "config.json"), JSON.stringify(config));
  return model;
}

describe("a model folder whose parts disagree", () => {
  it("a tokenizer bigger than the embedding table: refused when the model is opened", async () => {
    await withTempDir(async (dir) => {
      const model = await brokenCopy(dir, (tokenizer) => {
        tokenizer.model.vocab["zzqx"] = 5830;
      });
      await expect(createEncoder(model)).rejects.toThrow(
        expect.objectContaining({
          name: "ModelError",
          code: "model-mismatch",
          message:
            `${join(model, "model.onnx")}: the graph's embedding table embeddings.word_embeddings.weight has 5830 ` +
            `rows, but ${join(model, "tokenizer.json")} has token ids up to 5830: the tokenizer and the graph ` +
            "come from different models",
        }),
      );
    });
  });

  it("config.json's vocab_size other than the table's rows: refused when the model is opened", async () => {
    await withTempDir(async (dir) => {
      const model = await brokenCopy(dir, (_tokenizer, config) => {
        config["vocab_size"] = 30522;
      });
      await expect(createEncoder(model)).rejects.toThrow(
        `${join(model, "model.onnx")}: the graph's embedding table embeddings.word_embeddings.weight has 5830 ` +
          `rows, but ${join(model, "config.json")} says vocab_size 30522: the config and the graph come from ` +
          "different models",
      );
    });
  });

  it("a tokenizer id past the table, the count unchanged: refused when the model is opened", async () => {
    await withTempDir(async (dir) => {
      const model = await brokenCopy(dir, (tokenizer) => {
        tokenizer.model.vocab["wrote"] = 7000;
      });
      await expect(createEncoder(model)).rejects.toThrow(
        expect.objectContaining({ code: "model-mismatch", message: expect.stringContaining("up to 7000") }),
      );
    });
  });

  it("more positions in config.json than in the graph: one plain line naming the graph, at run time", async () => {
    await withTempDir(async (dir) => {
      const model = await brokenCopy(dir, (_tokenizer, config) => {
        config["max_position_embeddings"] = 512; // the graph has 64
      });
      const encoder = await createEncoder(model, { warn: () => {} });
      try {
        const long = Array.from({ length: 100 }, () => "Hamlet").join(" ");
        const error = await encoder.encode([long], { role: "passage" }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "ModelError", code: "model-mismatch" });
        expect((error as Error).message).toBe(
          `${join(model, "model.onnx")}: index 64 is past the 64 rows of the table that Gather node ` +
            "/embeddings/position_embeddings/Gather reads (a token id or position the graph has no row for): the " +
            "graph disagrees with its tokenizer.json or config.json, or the input is longer than the graph's positions",
        );
      } finally {
        await encoder.close();
      }
    });
  });

  it("ONNX Runtime prints nothing of its own (no coloured log line on stderr)", {
    timeout: 60_000,
  }, async () => {
    await withTempDir(async (dir) => {
      const model = await brokenCopy(dir, (_tokenizer, config) => {
        config["max_position_embeddings"] = 512;
      });
      const script = join(dir, "run.mts");
      const source = new URL("../src/index.ts", import.meta.url).href;
      writeFileSync(
        script,
        `import { createEncoder } from ${JSON.stringify(source)};\n` +
          `const encoder = await createEncoder(${JSON.stringify(model)}, { warn: () => {} });\n` +
          `await encoder.encode(["Hamlet ".repeat(100)], { role: "passage" }).catch((e) => console.log(e.code));\n` +
          "await encoder.close();\n",
      );
      const child = spawnSync(process.execPath, ["--import", "tsx", script], {
        encoding: "utf8",
        timeout: 50_000,
        cwd: new URL("..", import.meta.url).pathname,
      });
      expect(child.stdout.trim()).toBe("model-mismatch");
      expect(child.stderr).toBe("");
    });
  });
});
