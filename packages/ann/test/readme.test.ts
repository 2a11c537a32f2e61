import { runReadmeExample } from "@xqg/test-utils";
import { expect, it } from "vitest";

it("the README usage example runs as written", async () => {
  // runReadmeExample throws if the import line it rewrites no longer matches (else it would run dist/).
  const printed = await runReadmeExample({
    readme: new URL("../README.md", import.meta.url),
    replace: { 'from "@xqg/ann"': 'from "../src/index.js"' },
  });
  expect(printed).toEqual([]);
});

it("the README row-range example runs as written", async () => {
  const printed = await runReadmeExample({
    readme: new URL("../README.md", import.meta.url),
    section: "## Row ranges on several machines",
    replace: { 'from "@xqg/ann"': 'from "../src/index.js"' },
  });
  expect(printed).toEqual([]);
});
