import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureDir } from "@xqg/fixtures";
import { expect, it, vi } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

it("the README usage example runs as written (on the tiny fixture)", async () => {
  const readme = readFileSync(join(here, "..", "README.md"), "utf8");
  const code = /## Usage\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const runnable = code
    .replace('from "@xqg/models"', 'from "../src/index.js"')
    .replace('"models/bert-base-multilingual-cased-xor-tydi"', JSON.stringify(fixtureDir("tiny-bert")));
  const file = join(here, `readme-example-${process.pid}.generated.ts`);
  writeFileSync(file, runnable);
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await import(file);
    expect(log.mock.calls).toEqual([[true, true], ["bert"]]);
  } finally {
    log.mockRestore();
    rmSync(file);
  }
});
