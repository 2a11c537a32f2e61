import { runReadmeExample } from "@xqg/test-utils";
import { expect, it } from "vitest";

it("the README usage example runs as written (its asserts are the checks)", async () => {
  const printed = await runReadmeExample({
    readme: new URL("../README.md", import.meta.url),
    replace: { 'from "@xqg/report"': 'from "../src/index.js"' },
  });
  expect(printed).toEqual([]);
});
