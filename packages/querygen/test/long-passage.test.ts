import type { GeneratedQueries } from "@xqg/corpus";
import { fixtureDir } from "@xqg/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenerator, type Generator } from "../src/index.js";

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

it("maxInputLength has a ceiling of 8192 tokens, refused before any model is opened", async () => {
  await expect(createGenerator("/nonexistent/model", { maxInputLength: 8193 })).rejects.toThrow(
    expect.objectContaining({
      code: "invalid-option",
      field: "maxInputLength",
      message: expect.stringContaining("maxInputLength must be an integer from 2 to 8192"),
    }),
  );
});
