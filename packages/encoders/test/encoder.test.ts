import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProgressEvent } from "@xqg/core";
import { fixtureDir, goldens } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { planBatches } from "../src/batching.js";
import { passageText, STREAM_BLOCK_ROWS } from "../src/encoder.js";
import { createEncoder, ENCODER_DEFAULTS } from "../src/index.js";

const dir = fixtureDir("tiny-bert");
const golden = await goldens("tiny-bert");
// tiny-bert has 64 positions, so the default passage length (128) is clamped; that warning is tested below.
const encoder = await createEncoder(dir, { warn: () => {} });
afterAll(() => encoder.close());
const texts = golden.batch.texts;

describe("ENCODER_DEFAULTS", () => {
  it("are the paper's xDR settings", () => {
    expect(ENCODER_DEFAULTS).toEqual({
      pooling: "cls",
      normalize: false,
      maxLength: { query: 32, passage: 128 },
      batchSize: 32,
      titleSeparator: " ",
      poolings: {
        cls: "the first token's state (DPR, Tevatron)",
        mean: "the mean of the unmasked tokens' states",
      },
    });
  });

  it("truncate queries to 32 tokens and clamp passages to the model's 64 positions with a warning", async () => {
    const warnings: string[] = [];
    const warned = await createEncoder(dir, { warn: (message) => warnings.push(message) });
    const long = texts.join(" ");
    expect(warned.tokenize([long], { role: "query" })[0]!.ids).toHaveLength(32);
    expect(warned.tokenize([long], { role: "passage" })[0]!.ids).toHaveLength(64);
    warned.tokenize([long], { role: "passage" });
    expect(warnings).toEqual([
      "maxLength 128 exceeds the model's max_position_embeddings limit of 64 tokens; using 64",
    ]);
    await warned.close();
  });
});

describe("planBatches", () => {
  it("sorts by length (longest first, stable) and cuts batches", () => {
    expect(planBatches([3, 9, 3, 1, 9], 2)).toEqual([[1, 4], [0, 2], [3]]);
    expect(planBatches([], 4)).toEqual([]);
  });
});

describe("encode", () => {
  it("returns the same rows whatever the batch size or order of the input", async () => {
    const all = await encoder.encode(texts, { role: "query" });
    const reversed = await encoder.encode([...texts].reverse(), { role: "query", batchSize: 5 });
    const n = texts.length;
    for (let i = 0; i < n; i++) {
      const row = all.subarray(i * encoder.dimensions, (i + 1) * encoder.dimensions);
      const other = reversed.subarray((n - 1 - i) * encoder.dimensions, (n - i) * encoder.dimensions);
      for (let d = 0; d < encoder.dimensions; d++) expect(Math.abs(row[d]! - other[d]!)).toBeLessThan(1e-5);
    }
  });

  it("reports progress after each batch, and stops at an aborted signal with AbortError", async () => {
    const events: ProgressEvent[] = [];
    await encoder.encode(texts.slice(0, 5), {
      role: "query",
      batchSize: 2,
      onProgress: (e) => events.push(e),
    });
    expect(events).toEqual([2, 4, 5].map((done) => ({ unit: "rows", task: "encode", done, total: 5 })));
    const controller = new AbortController();
    const seen: number[] = [];
    const aborted = encoder.encode(texts.slice(0, 5), {
      role: "query",
      batchSize: 2,
      signal: controller.signal,
      onProgress: (e) => {
        seen.push(e.done);
        controller.abort();
      },
    });
    await expect(aborted).rejects.toThrow(expect.objectContaining({ name: "AbortError" }));
    expect(seen).toEqual([2]);
    await expect(encoder.encode(["a"], { role: "query", signal: AbortSignal.abort() })).rejects.toThrow(
      expect.objectContaining({ name: "AbortError" }),
    );
  });

  it("returns an empty array for no texts", async () => {
    expect(await encoder.encode([], { role: "query" })).toEqual(new Float32Array(0));
  });

  it("names bad options", async () => {
    await expect(encoder.encode(["a"], { role: "doc" as "query" })).rejects.toThrow(
      'role must be "query" or "passage", got "doc"',
    );
    await expect(encoder.encode(["a"], { role: "query", pooling: "max" as "cls" })).rejects.toThrow(
      'pooling must be one of cls, mean, got "max"',
    );
    await expect(encoder.encode(["a"], { role: "query", batchSize: 0 })).rejects.toThrow(
      "batchSize must be a positive integer, got 0",
    );
    await expect(encoder.encode(["a", 7 as unknown as string], { role: "query" })).rejects.toThrow(
      "texts[1] must be a string, got number",
    );
    await expect(encoder.encode(["a"], { role: "query", batch_size: 4 } as never)).rejects.toThrow(
      'encode: unknown option "batch_size" (did you mean "batchSize"?)',
    );
    await expect(createEncoder(dir, { session: {}, warm: () => {} } as never)).rejects.toThrow(
      'createEncoder: unknown option "warm" (did you mean "warn"?)',
    );
  });
});

describe("encodePassages", () => {
  it("encodes title + ' ' + text as a passage", async () => {
    const passages = [
      { title: "Hamlet", text: "Hamlet is a tragedy by William Shakespeare." },
      { title: "", text: "No title here." },
    ];
    expect(passages.map(passageText)).toEqual([
      "Hamlet Hamlet is a tragedy by William Shakespeare.",
      "No title here.",
    ]);
    expect(await encoder.encodePassages(passages)).toEqual(
      await encoder.encode(passages.map(passageText), { role: "passage" }),
    );
  });
});

describe("encodeStream", () => {
  it("yields blocks in order with progress, equal to encode", async () => {
    // more records than a block holds: the texts, repeated
    const n = STREAM_BLOCK_ROWS + 6;
    const all = Array.from({ length: n }, (_, i) => texts[i % texts.length]!);
    async function* records() {
      for (const [i, text] of all.entries()) yield { id: `d${i}`, text };
    }
    const progress: ProgressEvent[] = [];
    const blocks = [];
    for await (const block of encoder.encodeStream(records(), {
      role: "passage",
      batchSize: 256,
      onProgress: (p) => progress.push(p),
    })) {
      blocks.push(block);
    }
    expect(blocks.map((block) => block.ids.length)).toEqual([STREAM_BLOCK_ROWS, 6]);
    expect(blocks.flatMap((block) => block.ids)).toEqual(all.map((_, i) => `d${i}`));
    // after each ONNX Runtime batch: 4 of 256 in the first block, 1 of 6 in the second
    expect(progress).toEqual(
      [256, 512, 768, 1024, 1030].map((done) => ({ unit: "rows", task: "encode", done, total: undefined })),
    );
    const whole = await encoder.encode(all, { role: "passage" });
    const streamed = new Float32Array(whole.length);
    let offset = 0;
    for (const block of blocks) {
      streamed.set(block.vectors, offset);
      offset += block.vectors.length;
    }
    for (let i = 0; i < whole.length; i++) expect(Math.abs(whole[i]! - streamed[i]!)).toBeLessThan(1e-5);
  });

  it("checks the first record and the options", async () => {
    const drain = async (records: Iterable<unknown>, opts: object) => {
      for await (const _ of encoder.encodeStream(records as never, { role: "query", ...opts }));
    };
    await expect(drain([{ docid: "p", text: "x" }], {})).rejects.toThrow(
      'encodeStream: records: field "id" must be a string; found none (the record has docid, text)',
    );
    await expect(drain([{ id: "p", text: "x" }], { blockSize: 5 })).rejects.toThrow(
      'encodeStream: unknown option "blockSize"',
    );
  });

  it("stops at an aborted signal with AbortError, yielding nothing more", async () => {
    const controller = new AbortController();
    const blocks: unknown[] = [];
    const records = Array.from({ length: STREAM_BLOCK_ROWS + 1 }, (_, i) => ({ id: `d${i}`, text: "x" }));
    const run = async () => {
      for await (const block of encoder.encodeStream(records, {
        role: "query",
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }))
        blocks.push(block);
    };
    await expect(run()).rejects.toThrow(expect.objectContaining({ name: "AbortError" }));
    expect(blocks).toEqual([]);
  });

  it("treats records with a title as passages", async () => {
    const blocks = [];
    for await (const block of encoder.encodeStream([{ id: "p", title: "Hamlet", text: "A play." }], {
      role: "passage",
    })) {
      blocks.push(block);
    }
    expect(blocks[0]!.vectors).toEqual(await encoder.encode(["Hamlet A play."], { role: "passage" }));
  });
});

describe("untied encoders", () => {
  it("route queries and passages to their own model directory", () =>
    withTempDir(async (tmp) => {
      // A passage model that lowercases: same weights, a different tokenizer, so the routing shows in the ids.
      const passageDir = join(tmp, "passage");
      cpSync(dir, passageDir, { recursive: true });
      const spec = JSON.parse(readFileSync(join(passageDir, "tokenizer.json"), "utf8"));
      spec.normalizer = { ...spec.normalizer, lowercase: true };
      writeFileSync(join(passageDir, "tokenizer.json"), JSON.stringify(spec));
      const untied = await createEncoder({ query: dir, passage: passageDir });
      expect(untied.tied).toBe(false);
      expect(encoder.tied).toBe(true);
      const text = "Who Wrote Hamlet";
      expect(untied.tokenize([text], { role: "query" })).toEqual(encoder.tokenize([text], { role: "query" }));
      expect(untied.tokenize([text], { role: "passage" })).toEqual(
        encoder.tokenize([text.toLowerCase()], { role: "passage" }),
      );
      expect(untied.tokenize([text], { role: "passage" })).not.toEqual(
        encoder.tokenize([text], { role: "passage" }),
      );
      expect(await untied.encode([text], { role: "query" })).toEqual(
        await encoder.encode([text], { role: "query" }),
      );
      await untied.close();
    }));
});
