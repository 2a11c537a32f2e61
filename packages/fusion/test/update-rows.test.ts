import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readIds, writeIds } from "@xqg/core";
import { type GeneratedQueries, type Lang, readNpy, writeNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { fuse, querySumFiles, sumQueries, updateQuerySums, updateRows } from "../src/index.js";

const DIM = 8;
const LANGS: Lang[] = ["ja", "ko", "fi"];

/** A seeded generator of floats in [-1, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** A query's embedding, read back from its text (a JSON array): the encoder of these tests. */
const embed = async (texts: string[]) => Float32Array.from(texts.flatMap((t) => JSON.parse(t) as number[]));

/** Generated queries for passage `docid` (version `v`): 0–3 queries per language, seeded by both. */
function queriesOf(docid: string, v: number): GeneratedQueries {
  const next = random(docid.length * 7919 + Number(docid.slice(1)) * 31 + v * 104729);
  const queries: Partial<Record<Lang, string[]>> = {};
  for (const lang of LANGS) {
    const n = Math.floor((next() + 1) * 2);
    if (n > 0)
      queries[lang] = Array.from({ length: n }, () =>
        JSON.stringify(Array.from({ length: DIM }, () => Math.fround(next()))),
      );
  }
  return { docid, queries };
}

function passageRow(docid: string, v: number): number[] {
  const next = random(Number(docid.slice(1)) * 17 + v * 7 + 3);
  return Array.from({ length: DIM }, () => next() * 3);
}

/** A corpus version: docids in order, each with the version of its content. */
type Corpus = Array<{ docid: string; v: number }>;

async function writeVersion(dir: string, name: string, corpus: Corpus, dtype: "float32" | "float16") {
  const p = join(dir, `${name}.p.npy`);
  await writeNpy(p, Float32Array.from(corpus.flatMap(({ docid, v }) => passageRow(docid, v))), {
    dimensions: DIM,
    dtype,
  });
  await writeIds(
    join(dir, `${name}.p.ids`),
    corpus.map(({ docid }) => docid),
  );
  const records = corpus.map(({ docid, v }) => queriesOf(docid, v));
  const sums = await sumQueries(records, embed, {
    out: join(dir, `${name}.s.npy`),
    dimensions: DIM,
    languages: LANGS,
  });
  return { p, sums: sums.sums };
}

const bytes = (path: string) => readFile(path);

describe("updateRows and updateQuerySums", () => {
  it("give byte for byte the Σq and fused matrices computed from scratch on the changed corpus", () =>
    withTempDir(async (dir) => {
      const old: Corpus = Array.from({ length: 300 }, (_, i) => ({ docid: `d${i}`, v: 0 }));
      // 1% … 3% changed: a few deleted, a few edited, a few appended, one moved
      const current: Corpus = old
        .filter((_, i) => i % 97 !== 5)
        .map((x, i) => (i % 61 === 3 ? { ...x, v: 1 } : x));
      current.push({ docid: "d1000", v: 0 }, { docid: "d1001", v: 0 }, { docid: "d1002", v: 0 });
      const moved = current.splice(10, 1)[0]!;
      current.push(moved);
      const before = new Map(old.map((x) => [x.docid, x.v]));
      const changed = current.filter((x) => before.get(x.docid) !== x.v);
      expect(changed.length).toBe(8);

      for (const dtype of ["float32", "float16"] as const) {
        const a = await writeVersion(dir, `old-${dtype}`, old, dtype);
        const fresh = await writeVersion(dir, `new-${dtype}`, current, dtype);
        const rows = await writeVersion(dir, `rows-${dtype}`, changed, dtype);
        const ids = join(dir, `new-${dtype}.p.ids`);

        // Σq: the whole file set, description included
        const updatedSums = join(dir, `upd-${dtype}.s.npy`);
        const counts = await updateQuerySums({ previous: a.sums, rows: rows.sums, ids, out: updatedSums });
        expect([counts.rows, counts.copied, counts.replaced]).toEqual([
          current.length,
          current.length - 8,
          8,
        ]);
        const [x, y] = [querySumFiles(fresh.sums, LANGS), querySumFiles(updatedSums, LANGS)];
        for (const key of ["sums", "counts", "ids"] as const)
          expect(await bytes(y[key])).toEqual(await bytes(x[key]));
        for (const lang of LANGS)
          expect(await bytes(y.languageSums[lang]!)).toEqual(await bytes(x.languageSums[lang]!));
        expect(JSON.parse(await readFile(y.manifest, "utf8"))).toEqual(
          JSON.parse(await readFile(x.manifest, "utf8")),
        );

        // passage embeddings, then the fused matrices of three α (sum and mean reductions)
        const updatedP = join(dir, `upd-${dtype}.p.npy`);
        await updateRows({ previous: a.p, rows: rows.p, ids, out: updatedP, batchSize: 7 });
        expect(await bytes(updatedP)).toEqual(await bytes(fresh.p));
        for (const reduce of ["sum", "mean"] as const) {
          const alphas = [0.01, 0.3, 1];
          const name = (what: string) => (alpha: number) =>
            join(dir, `${what}-${dtype}-${reduce}-${alpha}.npy`);
          await fuse({ passages: a.p, sums: a.sums, alphas, reduce, out: name("old") });
          await fuse({ passages: fresh.p, sums: fresh.sums, alphas, reduce, out: name("scratch") });
          await fuse({ passages: rows.p, sums: rows.sums, alphas, reduce, out: name("rows") });
          for (const alpha of alphas) {
            const out = name("updated")(alpha);
            await updateRows({
              previous: name("old")(alpha),
              rows: name("rows")(alpha),
              ids: current.map((c) => c.docid),
              out,
            });
            expect(await bytes(out)).toEqual(await bytes(name("scratch")(alpha)));
            expect(await readIds(out.replace(/\.npy$/, ".ids"))).toEqual(current.map((c) => c.docid));
          }
        }
      }
    }));

  it("updates in place, and refuses an id with no row, a row nobody asked for, repeated ids and mismatched shapes", () =>
    withTempDir(async (dir) => {
      const m = (name: string, rows: number[][], ids: string[]) =>
        Promise.all([
          writeNpy(join(dir, `${name}.npy`), Float32Array.from(rows.flat()), {
            dimensions: rows[0]?.length ?? 2,
          }),
          writeIds(join(dir, `${name}.ids`), ids),
        ]);
      await m(
        "prev",
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        ["a", "b", "c"],
      );
      await m(
        "rows",
        [
          [9, 9],
          [8, 8],
        ],
        ["x", "b"],
      );
      const previous = join(dir, "prev.npy");
      const rows = join(dir, "rows.npy");
      await expect(updateRows({ previous, rows, ids: ["a", "b", "z", "x"], out: previous })).rejects.toThrow(
        `ids: id "z" (position 3) is neither in ${join(dir, "rows.ids")} nor in ${join(dir, "prev.ids")}: its row must be computed`,
      );
      await expect(updateRows({ previous, rows, ids: ["a", "b"], out: previous })).rejects.toThrow(
        `${join(dir, "rows.ids")}: id "x" (line 1) is not in the new ids`,
      );
      await expect(updateRows({ previous, rows, ids: ["a", "b", "x", "a"], out: previous })).rejects.toThrow(
        'ids: id "a" at positions 1 and 4',
      );
      await m(
        "wide",
        [
          [1, 1, 1],
          [2, 2, 2],
        ],
        ["x", "b"],
      );
      await expect(
        updateRows({ previous, rows: join(dir, "wide.npy"), ids: ["b", "x"], out: join(dir, "o.npy") }),
      ).rejects.toThrow(
        `dimension mismatch: ${previous} has 2 dimensions but ${join(dir, "wide.npy")} has 3`,
      );
      // in place: previous is read while the new matrix is staged, then replaced
      const result = await updateRows({ previous, rows, ids: ["c", "x", "a", "b"], out: previous });
      expect(result).toEqual({ rows: 4, copied: 2, replaced: 2 });
      expect([...(await readNpy(previous)).data]).toEqual([3, 3, 9, 9, 1, 1, 8, 8]);
      expect(await readIds(join(dir, "prev.ids"))).toEqual(["c", "x", "a", "b"]);
    }));
});
