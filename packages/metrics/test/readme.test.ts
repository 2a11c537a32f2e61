import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { runReadmeExample, withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { nltkSkip, punktDir } from "./helpers.js";

const here = import.meta.dirname;

describe.skipIf(nltkSkip)("README", () => {
  it("runs the Usage example as written (its asserts check the results)", async () => {
    const saved = process.env["NLTK_DATA"];
    await withTempDir(async (nltkData) => {
      mkdirSync(join(nltkData, "tokenizers", "punkt_tab"), { recursive: true });
      symlinkSync(punktDir(), join(nltkData, "tokenizers", "punkt_tab", "english"));
      process.env["NLTK_DATA"] = nltkData;
      try {
        // runReadmeExample throws if the import line it rewrites no longer matches (else it would run dist/).
        const printed = await runReadmeExample({
          readme: join(here, "..", "README.md"),
          replace: { 'from "@xqg/metrics"': 'from "../src/index.js"' },
        });
        expect(printed).toEqual([]);
      } finally {
        if (saved === undefined) delete process.env["NLTK_DATA"];
        else process.env["NLTK_DATA"] = saved;
      }
    });
  });
});
