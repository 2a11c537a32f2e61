import { fixtureDir } from "@xqg/fixtures";
import { runReadmeExample } from "@xqg/test-utils";
import { expect, it } from "vitest";

it("the README usage example runs as written (on the tiny fixture)", async () => {
  const printed = await runReadmeExample({
    readme: new URL("../README.md", import.meta.url),
    replace: {
      'from "@xqg/encoders"': 'from "../src/index.js"',
      '"models/bert-base-multilingual-cased-xor-tydi"': JSON.stringify(fixtureDir("tiny-bert")),
    },
  });
  expect(printed).toEqual([[true, true], [true]]);
});
