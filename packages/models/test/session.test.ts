import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "@xqg/test-utils";
import { Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { createSession, isCudaAvailable, ModelError } from "../src/index.js";

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
      await expect(createSession(join(dir, "model.onnx"))).rejects.toThrow(
        `${join(dir, "model.onnx")}: ONNX graph not found`,
      );
      writeFileSync(join(dir, "model.onnx"), "not a graph");
      const error = await createSession(join(dir, "model.onnx")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).code).toBe("session-failed");
      expect((error as ModelError).message).toMatch(/model\.onnx: ONNX Runtime could not load the graph: /);
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
