import type { GeneratedQueries } from "@xqg/corpus";
import { fixtureDir } from "@xqg/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenerator, GENERATION_DEFAULTS, type Generator } from "../src/index.js";

// A 100k-word passage crashed generation with "Maximum call stack size exceeded" inside the tokenizer.
// Long passages are now cut at maxInputLength like any other: the queries equal those of the passage's head.

let generator: Generator;
beforeAll(async () => {
  generator = await createGenerator(fixtureDir("tiny-mt5"), { maxInputLength: 64 });
});
afterAll(() => generator.close());

async function queriesOf(text: string): Promise<GeneratedQueries> {
  const out: GeneratedQueries[] = [];
  const passages = [{ docid: "long", title: "Long", text }];
  for await (const record of generator.generate(passages, {
    languages: ["ja", "fi"],
    perLanguage: 2,
    seed: 3,
  })) {
    out.push(record);
  }
  expect(out).toHaveLength(1);
  return out[0]!;
}

describe("a passage far longer than maxInputLength is cut there", () => {
  it("100,000 words: the queries of its first 200 words, within seconds", { timeout: 30_000 }, async () => {
    const words = Array.from(
      { length: 100_000 },
      (_, i) => ["river", "stone", "north", "city"][i % 4]! + (i % 13),
    );
    const started = performance.now();
    const long = await queriesOf(words.join(" "));
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(long).toEqual(await queriesOf(words.slice(0, 200).join(" ")));
    expect(long.queries["ja"]).toHaveLength(2);
  });

  it("1,000,000 characters, with spaces and without", { timeout: 30_000 }, async () => {
    const spaced = "Helsinki is the capital of Finland. ".repeat(27_778);
    expect(spaced.length).toBeGreaterThan(1_000_000);
    expect(await queriesOf(spaced)).toEqual(await queriesOf(spaced.slice(0, 2_000)));
    const solid = "x".repeat(1_000_000);
    expect((await queriesOf(solid)).queries["fi"]).toHaveLength(2);
  });
});

it("options that size the KV cache have limits: a typo's 10⁶ fails in one line instead of exhausting memory", async () => {
  const passages = [{ docid: "d", title: "", text: "x" }];
  for (const [field, value] of [
    ["perLanguage", 1_000_000],
    ["numBeams", 65],
    ["maxLength", 1_000_000],
    ["batchSize", 4097],
  ] as const) {
    const run = async () => {
      for await (const _ of generator.generate(passages, { languages: ["ja"], [field]: value })) break;
    };
    const limit = GENERATION_DEFAULTS.limits[field];
    await expect(run()).rejects.toThrow(
      expect.objectContaining({
        code: "invalid-option",
        field,
        message: `${field} must be at most ${limit} (GENERATION_DEFAULTS.limits), got ${value}`,
      }),
    );
  }
});

it("maxInputLength has a ceiling of 8192 tokens, refused before any model is opened", async () => {
  await expect(createGenerator("/nonexistent/model", { maxInputLength: 8193 })).rejects.toThrow(
    expect.objectContaining({
      code: "invalid-option",
      field: "maxInputLength",
      message: expect.stringContaining("maxInputLength must be an integer from 2 to 8192"),
    }),
  );
});
