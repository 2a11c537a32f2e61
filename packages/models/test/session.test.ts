import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureDir } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { readEmbeddingTable } from "../src/embedding.js";
import { checkEmbeddingTable, createSession, isCudaAvailable, ModelError } from "../src/index.js";
import { runError } from "../src/session.js";

const IDENTITY = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "identity.onnx");

describe("createSession", () => {
  it("runs a graph on CPU with the requested threads and optimisation level", async () => {
    const session = await createSession(IDENTITY, {
      threads: 1,
      graphOptimizationLevel: "disabled",
    });
    expect(session.inputNames).toEqual(["input_ids"]);
    const ids = new Tensor("int64", BigInt64Array.from([1n, 2n, 3n]), [1, 3]);
    const out = await session.run({ input_ids: ids });
    expect(Array.from(out["last_hidden_state"]!.data as BigInt64Array)).toEqual([1n, 2n, 3n]);
    await session.release();
  });

  // Where CUDA is installed there is nothing to refuse: a visible skip, never a pass without an assertion.
  it.skipIf(isCudaAvailable())(
    "refuses CUDA with an explanation where its provider is not installed",
    async () => {
      await expect(createSession(IDENTITY, { executionProviders: ["cuda"] })).rejects.toThrow(
        /executionProviders asks for cuda, but onnxruntime-node's CUDA provider is not installed here/,
      );
    },
  );

  it("rejects bad options and names a missing or broken graph", () =>
    withTempDir(async (dir) => {
      await expect(createSession(IDENTITY, { graphOptimizationLevel: "max" as "all" })).rejects.toThrow(
        'graphOptimizationLevel must be one of disabled, basic, extended, all, got "max"',
      );
      await expect(createSession(IDENTITY, { threads: -1 })).rejects.toThrow(
        "threads must be a non-negative integer (0 = all cores, ORT chooses), got -1",
      );
      const cores = availableParallelism();
      await expect(createSession(IDENTITY, { threads: 100_000 })).rejects.toThrow(
        `threads must be at most 4 × the ${cores} cores of this machine (${4 * cores}; 0 = all cores), got 100000`,
      );
      await expect(createSession(join(dir, "model.onnx"))).rejects.toThrow(
        `${join(dir, "model.onnx")}: ONNX graph not found`,
      );
      writeFileSync(join(dir, "model.onnx"), "not a graph");
      const error = await createSession(join(dir, "model.onnx")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).code).toBe("session-failed");
      const cutOff =
        "not a complete ONNX graph (its protobuf does not parse): a download or copy that was cut off, or " +
        "another kind of file; fetch or export the model again";
      expect((error as ModelError).message).toBe(`${join(dir, "model.onnx")}: ${cutOff}`);
      // what an interrupted download leaves: the first part of the graph, or nothing
      writeFileSync(join(dir, "cut.onnx"), readFileSync(IDENTITY).subarray(0, 40));
      await expect(createSession(join(dir, "cut.onnx"))).rejects.toThrow(
        `${join(dir, "cut.onnx")}: ${cutOff}`,
      );
      writeFileSync(join(dir, "empty.onnx"), "");
      await expect(createSession(join(dir, "empty.onnx"))).rejects.toThrow(
        `${join(dir, "empty.onnx")}: empty file (0 bytes): a download or copy that was cut off; fetch the model again`,
      );
      mkdirSync(join(dir, "folder.onnx"));
      await expect(createSession(join(dir, "folder.onnx"))).rejects.toThrow(
        `${join(dir, "folder.onnx")}: is a folder, not an ONNX graph`,
      );
    }));
});

describe("createSession's expect", () => {
  it("accepts matching names and patterns, and names the mismatch with the graph's names", async () => {
    const session = await createSession(IDENTITY, { expect: { inputs: ["input_ids"], outputs: [/^last_/] } });
    await session.release();
    await expect(
      createSession(IDENTITY, { expect: { inputs: ["input_ids", "attention_mask"] } }),
    ).rejects.toThrow(
      `${IDENTITY}: expected an input named "attention_mask", but the graph's inputs are "input_ids"`,
    );
    await expect(createSession(IDENTITY, { expect: { outputs: [/^logits$/] } })).rejects.toThrow(
      `${IDENTITY}: expected an output named /^logits$/, but the graph's outputs are "last_hidden_state"`,
    );
  });

  it("names an unknown option, and the old thread option's new name", async () => {
    await expect(createSession(IDENTITY, { intraOpThreads: 1 } as never)).rejects.toThrow(
      'createSession: unknown option "intraOpThreads"',
    );
    await expect(createSession(IDENTITY, { thread: 1 } as never)).rejects.toThrow('did you mean "threads"?');
  });
});

describe("the embedding table a graph's input_ids index", () => {
  it("is read from the protobuf without the weights: name and rows", () => {
    expect(readEmbeddingTable(join(fixtureDir("tiny-bert"), "model.onnx"))).toEqual({
      name: "embeddings.word_embeddings.weight",
      rows: 5830,
    });
    expect(readEmbeddingTable(join(fixtureDir("tiny-mt5"), "encoder_model.onnx"))).toEqual({
      name: "model.shared.weight",
      rows: 3008,
    });
    // The merged decoder reads its table inside If branches: not followed, so nothing is claimed.
    expect(readEmbeddingTable(join(fixtureDir("tiny-mt5"), "decoder_model_merged.onnx"))).toBeUndefined();
  });

  it("is undefined for a file that is not an ONNX protobuf, or absent", async () => {
    await withTempDir(async (dir) => {
      const junk = join(dir, "junk.onnx");
      writeFileSync(junk, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x3a, 0x99]));
      expect(readEmbeddingTable(junk)).toBeUndefined();
      expect(readEmbeddingTable(join(dir, "absent.onnx"))).toBeUndefined();
      checkEmbeddingTable(junk, { config: { vocab_size: 1 } });
    });
  });
});

describe("ONNX Runtime's run errors", () => {
  it("come back as one line naming the graph, without colour codes", () => {
    const raw = new Error("\u001b[1;31mbad\nthing\u001b[m");
    const error = runError(raw, "/m/model.onnx");
    expect(error).toMatchObject({ name: "ModelError", code: "session-failed", cause: raw });
    expect(error.message).toBe("/m/model.onnx: ONNX Runtime failed running the graph: bad thing");
  });
});
