// A corpus given as a base file plus delta files (issue 23): one unit writes the effective corpus, every unit that
// reads the corpus reads it, so the run's outputs are those of a fresh run on the effective corpus as one file; a
// delta added later reuses the unchanged passages; qrels that judge deleted passages get one warning.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, smallExperiment, snapshot, xqg } from "./helpers.js";

interface Passage {
  docid: string;
  title: string;
  text: string;
}

const jsonl = (passages: readonly Passage[]) => passages.map((p) => `${JSON.stringify(p)}\n`).join("");

/** The quickstart's passages, as records. */
async function quickstart(): Promise<Passage[]> {
  return (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Passage);
}

/**
 * The small experiment (30 passages) with qrels judging 4 passages, 2 of which the deltas delete, and a qrels
 * measure beside R@kt.
 */
async function experiment(dir: string, corpus: string): Promise<string> {
  const config = await smallExperiment(dir, join(dir, "out"));
  await writeFile(
    join(dir, "qrels.txt"),
    ["ar-001 0 qs0001 1", "ar-001 0 qs0003 1", "ar-002 0 qs0010 1", "ar-002 0 qs0002 1", ""].join("\n"),
  );
  const yaml = (await readFile(config, "utf8"))
    .replace("corpus: corpus.jsonl\n", `corpus: ${corpus}\nqrels: qrels.txt\n`)
    .replace(
      "evaluate: { tokenizer: treebank }",
      "evaluate: { tokenizer: treebank, metrics: [R@2kt, nDCG@10] }",
    );
  await writeFile(config, yaml);
  return config;
}

const reuseLines = (stderr: string) => stderr.split("\n").filter((line) => / reused \d+, added /.test(line));
const warnings = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("xqg: warning: "));

/** Every output but those that name paths (manifests, provenance) and the effective corpus's own folder. */
async function outputs(out: string): Promise<Map<string, Buffer>> {
  const files = await snapshot(out);
  for (const file of [...files.keys()])
    if (/^(manifests|corpus)\//.test(file) || file === "report/provenance.json") files.delete(file);
  return files;
}

function expectSame(actual: Map<string, Buffer>, reference: Map<string, Buffer>): void {
  expect([...actual.keys()]).toEqual([...reference.keys()]);
  expect([...reference.keys()]).toEqual(
    expect.arrayContaining([
      "generated/queries.jsonl",
      "generated/queries.jsonl.fingerprint",
      "embeddings/passages.npy",
      "embeddings/passages.ids",
      "embeddings/passages.npy.fingerprint",
      "embeddings/sums.npy",
      "embeddings/sums.npy.fingerprint",
      "fused/alpha-0.5.npy",
      "runs/baseline.trec",
      "runs/alpha-0.5.trec",
      "texts/baseline.jsonl",
      "eval/baseline.json",
      "eval/alpha-0.5.json",
      "report/report.md",
      "report/report.json",
    ]),
  );
  for (const [file, bytes] of reference) expect(actual.get(file)?.equals(bytes), file).toBe(true);
}

describe("a corpus as a base file plus delta files", () => {
  it("runs as a fresh run on the effective corpus; a later delta reuses what did not change", async () => {
    await withTempDir(async (dir) => {
      const all = await quickstart();
      const base = all.slice(0, 30);
      const [incDir, freshDir] = [join(dir, "inc"), join(dir, "fresh")];
      await mkdir(join(incDir, "updates"), { recursive: true });
      await mkdir(freshDir);

      // delta 1 (JSONL): 2 replaced (a text, a title), 2 added, 1 deleted; a delete list deletes another
      const edited = { ...base[4]!, text: `${base[4]!.text} It also has a harbour.` };
      const retitled = { ...base[11]!, title: `${base[11]!.title} Town` };
      await writeFile(
        join(incDir, "updates", "1.jsonl"),
        `${jsonl([edited, all[40]!])}${JSON.stringify({ docid: "qs0003", deleted: true })}\n${jsonl([retitled, all[41]!])}`,
      );
      await writeFile(join(incDir, "updates", "gone.txt"), "qs0010\n");
      const first = "[corpus.jsonl, updates/1.jsonl, { deletes: updates/gone.txt }]";
      const config = await experiment(incDir, first);
      // the base corpus is the small experiment's 30 passages
      expect((await readFile(join(incDir, "corpus.jsonl"), "utf8")).trim().split("\n")).toHaveLength(30);

      const effective1 = [
        ...base
          .map((p) => (p.docid === edited.docid ? edited : p.docid === retitled.docid ? retitled : p))
          .filter((p) => p.docid !== "qs0003" && p.docid !== "qs0010"),
        all[40]!,
        all[41]!,
      ];
      const run1 = await xqg("run", config);
      expect(run1.code, run1.stderr).toBe(0);
      expect(run1.stderr).toContain("xqg: corpus: 30 passages after 2 delta files (2 of the base deleted)");
      expect(reuseLines(run1.stderr)).toEqual([]);
      expect(warnings(run1.stderr)).toEqual([
        `xqg: warning: ${join(incDir, "qrels.txt")}: 2 judged passages were deleted from the corpus (e.g. "qs0003"); measures count them as not retrieved`,
      ]);
      expect(await readFile(join(incDir, "out", "corpus", "corpus.jsonl"), "utf8")).toBe(jsonl(effective1));
      expect(await readFile(join(incDir, "out", "corpus", "deleted.txt"), "utf8")).toBe("qs0003\nqs0010\n");

      // the fresh run reads the effective corpus as one plain file
      await writeFile(join(freshDir, "effective.jsonl"), jsonl(effective1));
      const freshConfig = await experiment(freshDir, "effective.jsonl");
      const fresh1 = await xqg("run", freshConfig);
      expect(fresh1.code, fresh1.stderr).toBe(0);
      // without deltas, the judged passages the corpus lacks are named as such
      expect(warnings(fresh1.stderr)).toEqual([
        `xqg: warning: ${join(freshDir, "qrels.txt")}: 2 judged passages are not in the corpus (e.g. "qs0003"); measures count them as not retrieved`,
      ]);
      expectSame(await outputs(join(incDir, "out")), await outputs(join(freshDir, "out")));

      // delta 2, in DPR's TSV: 1 replaced, 1 new, and the passage the delete list deleted given again
      await writeFile(
        join(incDir, "updates", "2.tsv"),
        [
          "id\ttext\ttitle",
          `qs0021\tThe old mill was rebuilt in 1990 and now houses a museum.\t${base[20]!.title}`,
          "qs0043\tNorvale is a village on the northern shore, known for its fishing fleet.\tNorvale",
          `qs0010\t${base[9]!.text}\t${base[9]!.title}`,
          "",
        ].join("\n"),
      );
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace(
          first,
          "\n  - corpus.jsonl\n  - updates/1.jsonl\n  - deletes: updates/gone.txt\n  - { path: updates/2.tsv, format: dpr-tsv }",
        ),
      );
      const effective2 = [
        ...effective1.map((p) =>
          p.docid === "qs0021"
            ? { ...p, text: "The old mill was rebuilt in 1990 and now houses a museum." }
            : p,
        ),
        {
          docid: "qs0043",
          title: "Norvale",
          text: "Norvale is a village on the northern shore, known for its fishing fleet.",
        },
        base[9]!,
      ];
      const run2 = await xqg("run", config);
      expect(run2.code, run2.stderr).toBe(0);
      expect(run2.stderr).toContain("xqg: corpus: 32 passages after 3 delta files (1 of the base deleted)");
      expect(reuseLines(run2.stderr)).toEqual([
        "xqg: generate: reused 29, added 2, changed 1, removed 0 passages",
        "xqg: encode-passages: reused 29, added 2, changed 1, removed 0 passages",
        "xqg: encode-generated: reused 29, added 2, changed 1, removed 0 passages",
      ]);
      // only the 3 added and changed passages were generated and encoded
      expect(run2.stderr).toMatch(/generate: 3 passages in/);
      expect(run2.stderr).toMatch(/encode passages: 3 passages in/);
      expect(warnings(run2.stderr)).toEqual([
        `xqg: warning: ${join(incDir, "qrels.txt")}: 1 judged passage was deleted from the corpus (e.g. "qs0003"); measures count them as not retrieved`,
      ]);
      expect(await readFile(join(incDir, "out", "corpus", "corpus.jsonl"), "utf8")).toBe(jsonl(effective2));
      expect(await readFile(join(incDir, "out", "corpus", "deleted.txt"), "utf8")).toBe("qs0003\n");

      await writeFile(join(freshDir, "effective.jsonl"), jsonl(effective2));
      const fresh2 = await xqg("run", freshConfig, "--force");
      expect(fresh2.code, fresh2.stderr).toBe(0);
      expect(reuseLines(fresh2.stderr)).toEqual([]);
      expect(warnings(fresh2.stderr)).toEqual([
        `xqg: warning: ${join(freshDir, "qrels.txt")}: 1 judged passage is not in the corpus (e.g. "qs0003"); measures count them as not retrieved`,
      ]);
      expectSame(await outputs(join(incDir, "out")), await outputs(join(freshDir, "out")));

      // the provenance names the effective corpus and the files it was made from, with their digests
      const provenance = JSON.parse(await readFile(join(incDir, "out", "report", "provenance.json"), "utf8"));
      expect(provenance.corpus.path).toBe(join(incDir, "out", "corpus", "corpus.jsonl"));
      expect(provenance.corpus.passages).toBe(32);
      expect(provenance.corpus.sources.map((s: { path: string }) => s.path)).toEqual(
        ["corpus.jsonl", "updates/1.jsonl", "updates/gone.txt", "updates/2.tsv"].map((f) => join(incDir, f)),
      );
      expect(provenance.corpus.sources[0].sha256).toMatch(/^[0-9a-f]{64}$/);

      // nothing changed: every unit is up to date, the corpus unit too, and no warning repeats
      const again = await xqg("run", config);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain("corpus: up to date");
      expect(warnings(again.stderr)).toEqual([]);
    });
  }, 300_000);

  it("a bad delta entry stops the run with one line naming the config file, line and entry", async () => {
    await withTempDir(async (dir) => {
      const config = await experiment(dir, "\n  - corpus.jsonl\n  - { path: d.jsonl, format: xml }");
      const bad = await xqg("run", config);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toBe(
        `xqg: ${config}:4: corpus[1].format: expected one of "jsonl", "pyserini", "beir", "dpr-tsv", "msmarco-tsv", got "xml"\n`,
      );
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace("{ path: d.jsonl, format: xml }", "[d.jsonl]"),
      );
      const nested = await xqg("run", config);
      expect(nested.stderr).toBe(
        `xqg: ${config}:4: corpus[1]: expected a delta file: a path, { path: FILE, format: FORMAT } (a corpus file whose records replace or add passages and whose { "docid": …, "deleted": true } records delete them), or { deletes: FILE } (docids to delete, one a line), got ["d.jsonl"]\n`,
      );
    });
  });

  it("a delta file's bad record is refused with its file and line", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "d.jsonl"), `${JSON.stringify({ docid: "x1", title: "X" })}\n`);
      const config = await experiment(dir, "[corpus.jsonl, d.jsonl]");
      const bad = await xqg("run", config);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toBe(`xqg: ${join(dir, "d.jsonl")}:1: field "text" missing\n`);
    });
  });
});

describe("a run on a corpus file, then on that file plus a delta", () => {
  it("reuses the first run's outputs: the units read the effective corpus with the settings they recorded", async () => {
    await withTempDir(async (dir) => {
      const all = await quickstart();
      const config = await experiment(dir, "corpus.jsonl");
      const plain = await xqg("run", config);
      expect(plain.code, plain.stderr).toBe(0);
      await writeFile(
        join(dir, "d.jsonl"),
        `${jsonl([{ ...all[5]!, text: "Rewritten." }, all[33]!])}${JSON.stringify({ docid: "qs0009", deleted: true })}\n`,
      );
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace("corpus: corpus.jsonl", "corpus: [corpus.jsonl, d.jsonl]"),
      );
      const delta = await xqg("run", config);
      expect(delta.code, delta.stderr).toBe(0);
      expect(reuseLines(delta.stderr)).toEqual([
        "xqg: generate: reused 28, added 1, changed 1, removed 1 passages",
        "xqg: encode-passages: reused 28, added 1, changed 1, removed 1 passages",
        "xqg: encode-generated: reused 28, added 1, changed 1, removed 1 passages",
      ]);
    });
  }, 300_000);
});

describe("a sharded run over a corpus with delta files", () => {
  it("each shard reads its part of the effective corpus: the outputs of a sharded run on it as one file", async () => {
    await withTempDir(async (dir) => {
      const all = await quickstart();
      const [incDir, freshDir] = [join(dir, "inc"), join(dir, "fresh")];
      await mkdir(incDir);
      await mkdir(freshDir);
      await writeFile(
        join(incDir, "d.jsonl"),
        `${JSON.stringify({ docid: "qs0007", deleted: true })}\n${jsonl([all[35]!, { ...all[2]!, text: "Rewritten." }])}`,
      );
      const config = await experiment(incDir, "[corpus.jsonl, d.jsonl]");
      await writeFile(config, `${await readFile(config, "utf8")}shards: 2\n`);
      const run = await xqg("run", config);
      expect(run.code, run.stderr).toBe(0);
      const effective = (await readFile(join(incDir, "out", "corpus", "corpus.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as Passage).docid);
      expect(effective).toHaveLength(30);
      expect(effective.includes("qs0007")).toBe(false);
      expect(effective.slice(-1)).toEqual([all[35]!.docid]);

      await writeFile(
        join(freshDir, "effective.jsonl"),
        await readFile(join(incDir, "out", "corpus", "corpus.jsonl"), "utf8"),
      );
      const freshConfig = await experiment(freshDir, "effective.jsonl");
      await writeFile(freshConfig, `${await readFile(freshConfig, "utf8")}shards: 2\n`);
      const fresh = await xqg("run", freshConfig);
      expect(fresh.code, fresh.stderr).toBe(0);
      const [inc, reference] = [await outputs(join(incDir, "out")), await outputs(join(freshDir, "out"))];
      expect([...inc.keys()]).toEqual([...reference.keys()]);
      expect([...reference.keys()]).toEqual(
        expect.arrayContaining(["generated/queries.shard-1-of-2.jsonl", "embeddings/passages.npy"]),
      );
      for (const [file, bytes] of reference) expect(inc.get(file)?.equals(bytes), file).toBe(true);
    });
  }, 300_000);
});

describe("a corpus whose deltas delete every passage", () => {
  it("is refused with one line naming the base file", async () => {
    await withTempDir(async (dir) => {
      const config = await experiment(dir, "[corpus.jsonl, { deletes: gone.txt }]");
      const ids = (await quickstart()).slice(0, 30).map((p) => `${p.docid}\n`);
      await writeFile(join(dir, "gone.txt"), ids.join(""));
      const empty = await xqg("run", config);
      expect(empty.code).not.toBe(0);
      expect(empty.stderr).toBe(
        `xqg: ${join(dir, "corpus.jsonl")}: the delta files delete every passage of the corpus; the effective corpus would be empty\n`,
      );
    });
  });
});
