import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  QUICKSTART,
  SPLIT_ONLY,
  smallExperiment,
  snapshot,
  writeMadeUpGenerated,
  writeTestConfig,
  xqg,
} from "./helpers.js";

describe("units split for many machines: Σq per shard and exact search per row range", () => {
  it("a config's generated file with shards: 3 and searchRanges: 4 gives the bytes of one unsplit run", async () => {
    await withTempDir(async (dir) => {
      // the small experiment's 30 passages, so that each of the 3 shards holds 10
      const generated = await writeMadeUpGenerated(dir, 30);
      // one corpus for both runs, their outputs side by side: the same paths in manifests and provenance
      const [plainOut, splitOut] = [join(dir, "plain", "out"), join(dir, "split", "out")];
      const plain = await xqg(
        "run",
        await smallExperiment(dir, plainOut, `generated: ${generated}\n`),
        "--quiet",
      );
      expect(plain.code, plain.stderr).toBe(0);
      const splitConfig = await smallExperiment(
        dir,
        splitOut,
        `generated: ${generated}\nshards: 3\nsearchRanges: 4\n`,
      );
      const split = await xqg("run", splitConfig, "--quiet");
      expect(split.code, split.stderr).toBe(0);
      expect(split.stdout).toBe(plain.stdout);

      const reference = await snapshot(plainOut);
      const outputs = await snapshot(splitOut);
      const systems = ["alpha-0.5", "baseline"];
      expect([...outputs.keys()].filter((f) => f.startsWith("hits/"))).toEqual(
        systems.flatMap((s) => [0, 1, 2, 3].map((i) => `hits/${s}.rows-${i}-of-4.jsonl`)),
      );
      for (const s of systems)
        for (const i of [0, 1, 2, 3])
          expect(outputs.has(`manifests/search.${s}.rows-${i}-of-4.json`), `${s} ${i}`).toBe(true);
      for (const i of [0, 1, 2]) {
        const ids = outputs.get(`embeddings/sums.shard-${i}-of-3.ids`)!.toString("utf8").trim().split("\n");
        expect(ids).toHaveLength(10);
      }
      // every other file, the runs, evaluations and report among them, and the manifests of fusion,
      // evaluation and the report, are byte-identical
      const compared = [...reference.keys()].filter((f) => !SPLIT_ONLY.test(f));
      expect(compared).toEqual(
        expect.arrayContaining([
          "runs/baseline.trec",
          "embeddings/sums.npy",
          "report/report.md",
          "manifests/fuse.json",
        ]),
      );
      for (const file of compared) expect(outputs.get(file), file).toEqual(reference.get(file));
      expect([...outputs.keys()].filter((f) => !SPLIT_ONLY.test(f))).toEqual(compared);
    });
  });

  it("refuses searchRanges with an HNSW index, and a generated file short of records, naming what is wrong", async () => {
    await withTempDir(async (dir) => {
      const hnsw = await xqg("run", await writeTestConfig(dir, "searchRanges: 2\nindex: { type: hnsw }\n"));
      expect(hnsw.code).toBe(1);
      expect(hnsw.stderr).toMatch(
        /^xqg: .*xqg\.yaml:\d+: searchRanges splits an exact search into row ranges; an HNSW index \(index\.type: hnsw\) is searched whole/,
      );
      const generated = await writeMadeUpGenerated(dir);
      const lines = (await readFile(generated, "utf8")).trim().split("\n");
      await writeFile(generated, `${lines.slice(0, 200).join("\n")}\n`);
      const short = await xqg(
        "run",
        await writeTestConfig(dir, `generated: ${generated}\nshards: 2\n`),
        "--quiet",
      );
      expect(short.code).toBe(1);
      expect(short.stderr).toContain(
        `${generated}: has 200 records, fewer than total=288, the passages of ${join(QUICKSTART, "corpus.jsonl")}: shards pick their records by position, so the file needs one record per passage, in corpus order\n`,
      );
      expect(short.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
