import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { Hasher } from "../src/hash.js";
import { createLogger } from "../src/progress.js";
import { passageCount, shardPassages } from "../src/stages/common.js";

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe("shard reads through the corpus's record index", () => {
  it("builds the index once per digest beside the hash cache, reuses it in a new process, rebuilds on change", async () => {
    await withTempDir(async (dir) => {
      const corpus = join(dir, "corpus.jsonl");
      const line = (i: number) => JSON.stringify({ docid: `d${i}`, title: "", text: `passage ${i}` });
      await writeFile(corpus, `${Array.from({ length: 1000 }, (_, i) => line(i)).join("\n")}\n`);
      const cache = join(dir, "out", ".xqg-cache", "hashes.json");
      const env = {
        hasher: await Hasher.open(cache),
        log: createLogger({ quiet: true }),
        force: false,
        threads: 1,
      };
      const { total, read } = await shardPassages(env, corpus, {}, { index: 63, count: 64 });
      expect(total).toBe(1000);
      expect((await collect(read())).map((p) => p.docid)).toEqual(
        Array.from({ length: 15 }, (_, i) => `d${985 + i}`),
      );
      expect(await passageCount(env, corpus)).toBe(1000);
      const derived = join(dir, "out", ".xqg-cache", "derived");
      const [file, ...more] = await readdir(derived);
      expect(more).toEqual([]);
      expect(file).toMatch(/^[0-9a-f]{64}\.passages\.index\.json$/);
      const index = JSON.parse(await readFile(join(derived, file!), "utf8"));
      expect([index.records, index.every, index.offsets.length, index.lines[1]]).toEqual([1000, 256, 4, 257]);

      // a new process (a new Hasher over the same cache) reads the stored index: a planted one is believed
      await writeFile(join(derived, file!), JSON.stringify({ ...index, records: 999 }));
      const again = { ...env, hasher: await Hasher.open(cache) };
      expect((await shardPassages(again, corpus, {}, { index: 0, count: 1 })).total).toBe(999);

      // an edited corpus has another digest, so another index
      await writeFile(corpus, `${Array.from({ length: 10 }, (_, i) => line(i)).join("\n")}\n`);
      const edited = { ...env, hasher: await Hasher.open(cache) };
      const { total: ten, read: last } = await shardPassages(edited, corpus, {}, { index: 3, count: 4 });
      expect(ten).toBe(10);
      expect((await collect(last())).map((p) => p.docid)).toEqual(["d8", "d9"]);
      expect(await readdir(derived)).toHaveLength(2);
    });
  });
});
