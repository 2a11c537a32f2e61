// The README's example, as written, on a real redis-server and a small experiment of the fixture models.
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { REDIS_SERVER, type RedisServer, runReadmeExample, startRedis, withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

let redis: RedisServer;
beforeAll(async () => {
  if (REDIS_SERVER) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

it.skipIf(!REDIS_SERVER)(
  "the README's coordinator and worker run an experiment to its report",
  { timeout: 300_000 },
  async () => {
    await withTempDir(async (dir) => {
      const lines = async (file: string, n: number) =>
        (await readFile(join(ROOT, "examples/quickstart", file), "utf8")).split("\n").slice(0, n).join("\n");
      await writeFile(join(dir, "corpus.jsonl"), `${await lines("corpus.jsonl", 20)}\n`);
      await writeFile(join(dir, "dev.jsonl"), `${await lines("dev.jsonl", 10)}\n`);
      const config = join(dir, "xqg.yaml");
      await writeFile(
        config,
        `output: out\ncorpus: corpus.jsonl\nqueries: dev.jsonl\nthreads: 1\n` +
          `encoder: ${join(ROOT, "tooling/fixtures/tiny-bert")}\ngenerator: ${join(ROOT, "tooling/fixtures/tiny-mt5")}\n` +
          "evaluate: { tokenizer: treebank }\ngenerate: { languages: [ja], perLanguage: 1, maxLength: 8 }\n" +
          "fuse: { alphas: [0, 0.5] }\n",
      );
      await runReadmeExample({
        readme: new URL("../README.md", import.meta.url),
        replace: {
          'from "@xqg/queue"': 'from "../src/index.js"',
          'await loadConfig("xqg.yaml")': `await loadConfig(${JSON.stringify(config)})`,
          '"redis://127.0.0.1:6379/0"': JSON.stringify(redis.url),
          "createLogger()": "createLogger({ quiet: true })",
        },
      });
      const report = await readFile(join(dir, "out/report/report.md"), "utf8");
      expect(report).toMatch(/\| xQG α = 0\.5 +\|/);
    });
  },
);
