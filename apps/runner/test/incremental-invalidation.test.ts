// Incremental runs (issue 23), invalidation: a corpus change together with a change of a model, the prompt or the
// decoding settings. The units the other change reaches compute every passage again; the units it does not reach
// still reuse their unchanged passages; and the outputs are a fresh run's on the changed corpus and settings.
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { smallExperiment, snapshot, TINY_BERT, xqg } from "./helpers.js";

const reuseLines = (stderr: string) => stderr.split("\n").filter((line) => / reused \d+, added /.test(line));

/** The small experiment's corpus less its first passage and with the 6th's text changed. */
async function changeCorpus(dir: string): Promise<void> {
  const file = join(dir, "corpus.jsonl");
  const lines = (await readFile(file, "utf8")).trim().split("\n").slice(1);
  const sixth = JSON.parse(lines[4]!) as { text: string };
  lines[4] = JSON.stringify({ ...sixth, text: `${sixth.text} Now with a museum.` });
  await writeFile(file, `${lines.join("\n")}\n`);
}

/** Runs `config` incrementally after `change`, then fresh (`--force`) into `fresh`, and compares every file. */
async function incrementalEqualsFresh(
  dir: string,
  change: (config: string) => Promise<void>,
): Promise<{ stderr: string }> {
  const [incOut, freshOut] = [join(dir, "inc"), join(dir, "fresh")];
  const config = await smallExperiment(dir, incOut);
  expect((await xqg("run", config)).code).toBe(0);
  await changeCorpus(dir);
  await change(config);
  const again = await xqg("run", config);
  expect(again.code, again.stderr).toBe(0);
  const yaml = (await readFile(config, "utf8")).replace(`output: ${incOut}`, `output: ${freshOut}`);
  const freshConfig = join(dir, "fresh.yaml");
  await writeFile(freshConfig, yaml);
  const fresh = await xqg("run", freshConfig);
  expect(fresh.code, fresh.stderr).toBe(0);
  expect(reuseLines(fresh.stderr)).toEqual([]);
  const [made, reference] = [await snapshot(incOut), await snapshot(freshOut)];
  expect([...made.keys()]).toEqual([...reference.keys()]);
  // manifests and provenance name their output folder; every other file is compared byte for byte
  for (const [file, bytes] of reference) {
    if (file.startsWith("manifests/") || file.endsWith("provenance.json")) continue;
    expect(made.get(file)?.equals(bytes), file).toBe(true);
  }
  return again;
}

describe("incremental runs: a corpus change together with another change", () => {
  it("another encoder: generation reuses, every encoding unit computes every passage", async () => {
    await withTempDir(async (dir) => {
      const encoder = join(dir, "tiny-bert-renamed");
      await cp(TINY_BERT, encoder, { recursive: true });
      // the same weights in another folder with one more config key: another model digest
      const configJson = JSON.parse(await readFile(join(encoder, "config.json"), "utf8"));
      await writeFile(join(encoder, "config.json"), JSON.stringify({ ...configJson, note: "copy" }));
      const run = await incrementalEqualsFresh(dir, async (config) => {
        await writeFile(
          config,
          (await readFile(config, "utf8")).replace(/^encoder: .*$/m, `encoder: ${encoder}`),
        );
      });
      expect(reuseLines(run.stderr)).toEqual([
        "xqg: generate: reused 28, added 0, changed 1, removed 1 passages",
      ]);
      // the corpus is the first difference named; the encoder's change makes encode-passages compute all 29
      expect(run.stderr).toMatch(
        /encode: out of date: its input encoder is now \.\.\/\.\.\/tiny-bert-renamed/,
      );
      expect(run.stderr).toMatch(/encode passages: 29 passages in/);
      expect(run.stderr).toMatch(/encode generated queries: 29 passages in/);
    });
  }, 300_000);

  it("another prompt (language names): generation computes every passage, passage encoding reuses", async () => {
    await withTempDir(async (dir) => {
      const run = await incrementalEqualsFresh(dir, async (config) => {
        const yaml = await readFile(config, "utf8");
        const names =
          "{ ar: Arabic, bn: Bengali, fi: Finnish, ja: Nihongo, ko: Korean, ru: Russian, te: Telugu }";
        await writeFile(config, `${yaml}languages: ${names}\n`);
      });
      expect(run.stderr).toMatch(/generate: 29 passages in/);
      expect(run.stderr).not.toMatch(/generate: reused/);
      // Σq reads the new queries: every record changed with its prompt, none is reused
      expect(reuseLines(run.stderr)).toEqual([
        "xqg: encode-passages: reused 28, added 0, changed 1, removed 1 passages",
        expect.stringMatching(
          /^xqg: encode-generated: reused \d+, added 0, changed \d+, removed 1 passages$/,
        ),
      ]);
    });
  }, 300_000);

  it("another decoding setting (maxLength): generation computes every passage, passage encoding reuses", async () => {
    await withTempDir(async (dir) => {
      const run = await incrementalEqualsFresh(dir, async (config) => {
        await writeFile(config, (await readFile(config, "utf8")).replace("maxLength: 8", "maxLength: 6"));
      });
      expect(run.stderr).toMatch(/generate: 29 passages in/);
      expect(run.stderr).not.toMatch(/generate: reused/);
      expect(reuseLines(run.stderr)[0]).toBe(
        "xqg: encode-passages: reused 28, added 0, changed 1, removed 1 passages",
      );
    });
  }, 300_000);
});
