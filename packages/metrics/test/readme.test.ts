import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { nltkSkip, punktDir } from "./helpers.js";

const here = import.meta.dirname;

describe.skipIf(nltkSkip)("README", () => {
  it("runs the Usage example as written (its asserts check the results)", async () => {
    const readme = readFileSync(join(here, "..", "README.md"), "utf8");
    const code = /## Usage\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const saved = process.env["NLTK_DATA"];
    await withTempDir(async (nltkData) => {
      mkdirSync(join(nltkData, "tokenizers", "punkt_tab"), { recursive: true });
      symlinkSync(punktDir(), join(nltkData, "tokenizers", "punkt_tab", "english"));
      process.env["NLTK_DATA"] = nltkData;
      const file = join(here, `.readme-example-${process.pid}.ts`);
      writeFileSync(file, code.replace('from "@xqg/metrics"', 'from "../src/index.js"'));
      try {
        await expect(import(file)).resolves.toBeDefined();
      } finally {
        rmSync(file, { force: true });
        if (saved === undefined) delete process.env["NLTK_DATA"];
        else process.env["NLTK_DATA"] = saved;
      }
    });
  });
});
