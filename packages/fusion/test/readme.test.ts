import { readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("the README usage example runs as written", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const code = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const file = new URL(`./.readme-example-${process.pid}.ts`, import.meta.url);
  await writeFile(file, code!.replace('from "@xqg/fusion"', 'from "../src/index.js"'));
  try {
    await import(/* @vite-ignore */ fileURLToPath(file));
  } finally {
    await rm(file, { force: true });
  }
});
