import { readFile } from "node:fs/promises";
import { format } from "node:util";
import { runReadmeExample } from "@xqg/test-utils";
import { expect, it } from "vitest";

const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");

it("the README usage example runs as written and prints what the README says", async () => {
  // runReadmeExample throws if the import line it rewrites no longer matches (else it would run dist/).
  const printed = await runReadmeExample({
    readme: new URL("../README.md", import.meta.url),
    replace: { 'from "@xqg/core"': 'from "../src/index.js"' },
  });
  const start = readme.indexOf("```text\n", readme.indexOf("It prints")) + "```text\n".length;
  const expected = readme.slice(start, readme.indexOf("```", start));
  expect(`${printed.map((args) => format(...args)).join("\n")}\n`).toBe(expected);
});
