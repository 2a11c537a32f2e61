import { fixtureDir } from "@xqg/fixtures";
import { afterAll, expect, it } from "vitest";
import { createEncoder } from "../src/index.js";

// Long texts are cut at the role's maxLength, whatever their size: a 100k-word or 1M-character passage gives
// the embedding of its head, without reading (or tokenizing) the rest.
const encoder = await createEncoder(fixtureDir("tiny-bert"), { warn: () => {} });
afterAll(() => encoder.close());

it("a 100,000-word passage and a 1,000,000-character one embed as their heads, within seconds", {
  timeout: 30_000,
}, async () => {
  const words = Array.from({ length: 100_000 }, (_, i) => ["river", "stone", "north", "city"][i % 4]!).join(
    " ",
  );
  const million = "Helsinki is the capital of Finland. ".repeat(27_778);
  expect(million.length).toBeGreaterThan(1_000_000);
  const started = performance.now();
  const long = await encoder.encode([words, million], { role: "passage", maxLength: 64 });
  expect(performance.now() - started).toBeLessThan(20_000);
  const heads = await encoder.encode([words.slice(0, 1_000), million.slice(0, 1_000)], {
    role: "passage",
    maxLength: 64,
  });
  expect(Array.from(long)).toEqual(Array.from(heads));
  const [tokens] = encoder.tokenize([million], { role: "query" });
  expect(tokens!.ids).toHaveLength(32);
});
