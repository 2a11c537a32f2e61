import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  type CorpusError,
  diffPassages,
  type Passage,
  type PassageDiff,
  PassageFingerprint,
  readPassages,
  readPassagesWithDeltas,
  writePassages,
} from "../src/index.js";
import { collect, listing, rejection } from "./helpers.js";

const p = (docid: string, title: string, text: string): Passage => ({ docid, title, text });

/** The diff as plain arrays, for exact comparison. */
function plain(diff: PassageDiff) {
  return {
    before: diff.before,
    after: diff.after,
    counts: diff.counts,
    status: [...diff.status],
    previous: [...diff.previous],
    added: [...diff.added],
    addedIds: diff.addedIds,
    changed: [...diff.changed],
    changedIds: diff.changedIds,
    removed: [...diff.removed],
  };
}

/** The same comparison with strings in a Map, the obvious way (the reference for random corpora). */
function naiveDiff(old: readonly Passage[], current: readonly Passage[]) {
  const before = new Map(old.map((x, i) => [x.docid, { i, content: JSON.stringify([x.title, x.text]) }]));
  const seen = new Set<string>();
  const status: number[] = [];
  const previous: number[] = [];
  const added: number[] = [];
  const changed: number[] = [];
  for (const [i, x] of current.entries()) {
    const was = before.get(x.docid);
    seen.add(x.docid);
    previous.push(was?.i ?? -1);
    if (was === undefined) {
      status.push(1);
      added.push(i);
    } else if (was.content === JSON.stringify([x.title, x.text])) status.push(0);
    else {
      status.push(2);
      changed.push(i);
    }
  }
  const removed = old.flatMap((x, i) => (seen.has(x.docid) ? [] : [i]));
  return {
    before: old.length,
    after: current.length,
    counts: {
      unchanged: current.length - added.length - changed.length,
      added: added.length,
      changed: changed.length,
      removed: removed.length,
    },
    status,
    previous,
    added,
    addedIds: added.map((i) => current[i]!.docid),
    changed,
    changedIds: changed.map((i) => current[i]!.docid),
    removed,
  };
}

describe("diffPassages", () => {
  it("an old JSONL corpus against a new DPR TSV one: added, changed, removed, moved, unchanged", async () => {
    await withTempDir(async (dir) => {
      const old = join(dir, "old.jsonl");
      const current = join(dir, "new.tsv");
      await writePassages(old, [
        p("a", "A", "alpha"),
        p("b", "B", "beta"),
        p("c", "C", "gamma"),
        p("d", "D", "delta"),
        p("e", "E", "epsilon"),
      ]);
      await writePassages(current, [
        p("a", "A", "alpha"), // unchanged
        p("c", "C", "gamma!"), // text changed
        p("b", "B", "beta"), // moved, unchanged
        p("x", "X", "new one"), // added
        p("e", "E2", "epsilon"), // title changed
      ]); // d removed
      const diff = await diffPassages(readPassages(old), readPassages(current));
      expect(plain(diff)).toEqual({
        before: 5,
        after: 5,
        counts: { unchanged: 2, added: 1, changed: 2, removed: 1 },
        status: [0, 2, 0, 1, 2],
        previous: [0, 2, 1, -1, 4],
        added: [3],
        addedIds: ["x"],
        changed: [1, 4],
        changedIds: ["c", "e"],
        removed: [3],
      });
      expect(diff.fingerprint!.records).toBe(5);
    });
  });

  it("title and text are hashed apart: moving characters between them is a change", async () => {
    const diff = await diffPassages([p("a", "ab", "c")], [p("a", "a", "bc")]);
    expect([...diff.changed]).toEqual([0]);
  });

  it("equals the Map-of-strings diff on a random corpus with a 1% mixed change, through a saved fingerprint", async () => {
    await withTempDir(async (dir) => {
      let seed = 7;
      const random = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      const old = Array.from({ length: 20_000 }, (_, i) =>
        p(`doc${i}`, `title ${i}`, `text ${i} ${random()}`),
      );
      const current: Passage[] = [];
      for (const x of old) {
        const r = random();
        if (r < 0.004) continue; // deleted
        current.push(r < 0.008 ? { ...x, text: `${x.text} (edited)` } : x);
      }
      for (let i = 0; i < 80; i++) current.push(p(`new${i}`, "", `appended ${i}`));
      const fingerprint = await PassageFingerprint.from(old);
      const path = join(dir, "old.fingerprint");
      await fingerprint.save(path);
      expect((await readFile(path)).length).toBe(16 + 20 * 20_000);
      expect(await listing(dir)).toEqual(["old.fingerprint"]);
      const loaded = await PassageFingerprint.load(path);
      const expected = naiveDiff(old, current);
      expect(expected.counts.removed).toBeGreaterThan(50);
      expect(expected.counts.changed).toBeGreaterThan(50);
      expect(plain(await diffPassages(loaded, current))).toEqual(expected);
      expect(plain(await diffPassages(old, current, { fingerprint: false }))).toEqual(expected);
      // the new corpus's fingerprint diffs against itself as all unchanged
      const again = await diffPassages(current, current);
      const itself = await diffPassages(again.fingerprint!, current);
      expect(itself.counts).toEqual({ unchanged: current.length, added: 0, changed: 0, removed: 0 });
      expect([...itself.previous]).toEqual(current.map((_, i) => i));
    });
  });

  it("refuses a docid the new corpus gives twice, a repeat in the fingerprinted one, and a damaged fingerprint", async () => {
    const twice = await rejection(diffPassages([p("a", "", "x")], [p("a", "", "x"), p("a", "", "y")]));
    expect(twice.message).toBe(
      'new corpus: passage 2 has docid "a", which an earlier passage of the new corpus has too',
    );
    const repeat = await rejection(diffPassages([p("a", "", "x"), p("b", "", ""), p("a", "", "y")], []));
    expect(repeat.message).toBe(
      'old corpus: passages 1 and 3 have the same docid; read the corpus with duplicates: "first" or "last"',
    );
    expect((repeat as CorpusError).code).toBe("duplicate-id");
    await withTempDir(async (dir) => {
      const path = join(dir, "f");
      await (await PassageFingerprint.from([p("a", "", "x")])).save(path);
      await writeFile(path, (await readFile(path)).subarray(0, 30));
      const error = await rejection(PassageFingerprint.load(path));
      expect(error.message).toBe(
        `${path}: a fingerprint of 1 passages has 36 bytes, this file 30 (truncated?)`,
      );
      await writeFile(path, "not one");
      expect((await rejection(PassageFingerprint.load(path))).message).toBe(
        `${path}: not a passage fingerprint (no "xqgfp001" header)`,
      );
    });
  });

  it("reports progress and stops on an aborted signal", async () => {
    const events: number[] = [];
    const diff = await diffPassages([], [p("a", "", "")], {
      onProgress: (event) => events.push(event.done),
    });
    expect(events).toEqual([1]);
    expect(diff.counts.added).toBe(1);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(diffPassages([], [], { signal: controller.signal }));
    expect(error.name).toBe("AbortError");
  });
});

describe("readPassagesWithDeltas", () => {
  it("replaces in place, deletes, appends in delta order, re-appends a docid deleted then given again", async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, "base.tsv");
      await writePassages(base, [p("a", "A", "1"), p("b", "B", "2"), p("c", "C", "3"), p("d", "D", "4")]);
      const one = join(dir, "one.jsonl");
      await writeFile(
        one,
        [
          JSON.stringify(p("z", "Z", "new z")),
          JSON.stringify(p("c", "C", "3 edited")),
          JSON.stringify({ docid: "b", deleted: true }),
          JSON.stringify(p("y", "Y", "new y")),
          "",
        ].join("\n"),
      );
      const deletes = join(dir, "deletes.txt");
      await writeFile(deletes, "d\nz\nnever-there\n");
      const two = join(dir, "two.jsonl");
      await writeFile(
        two,
        [
          JSON.stringify(p("b", "B", "2 again")),
          JSON.stringify(p("y", "Y", "new y edited")),
          JSON.stringify(p("z", "Z", "z again")),
          "",
        ].join("\n"),
      );
      const reader = readPassagesWithDeltas(base, [one, { deletes }, two]);
      expect(await collect(reader)).toEqual([
        p("a", "A", "1"),
        p("c", "C", "3 edited"),
        p("y", "Y", "new y edited"),
        p("b", "B", "2 again"),
        p("z", "Z", "z again"),
      ]);
      expect(reader.stats.records).toBe(5);
      expect(reader.format).toBe("dpr-tsv");
      // read twice, the same
      expect((await collect(reader)).map((x) => x.docid)).toEqual(["a", "c", "y", "b", "z"]);
    });
  });

  it("pyserini deltas with their own format; an empty delta; a bad deletion names file and line", async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, "base.jsonl");
      await writePassages(base, [p("a", "A", "1"), p("b", "B", "2")]);
      const delta = join(dir, "d.jsonl");
      await writeFile(delta, `${JSON.stringify({ id: "a", deleted: true })}\n{"id":"c","contents":"3"}\n`);
      const empty = join(dir, "empty.jsonl");
      await writeFile(empty, "");
      expect(
        await collect(readPassagesWithDeltas(base, [{ path: delta, format: "pyserini" }, empty])),
      ).toEqual([p("b", "B", "2"), p("c", "", "3")]);
      await writeFile(delta, `{"docid":"a","title":"","text":""}\n{"docid":"b","deleted":"yes"}\n`);
      const error = await rejection(collect(readPassagesWithDeltas(base, [delta])));
      expect(error.message).toBe(`${delta}:2: field "deleted" must be true or false, got "yes"`);
      // the base reader refuses deletions: they belong in deltas
      await writeFile(base, `{"docid":"b","deleted":true}\n`);
      expect((await rejection(collect(readPassages(base)))).message).toBe(`${base}:1: field "title" missing`);
      expect(() => readPassagesWithDeltas(base, [], { range: { start: 0, end: 1 } } as never)).toThrow(
        /unknown option "range"/,
      );
    });
  });
});

describe("PassageFingerprint file", () => {
  it("is a 16-byte header and 20 bytes per passage: the docid key, then SHA-256 of the length-prefixed title and text", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "f");
      await (await PassageFingerprint.from([p("doc-1", "Title", "Some text."), p("é", "", "")])).save(path);
      const bytes = await readFile(path);
      expect(bytes.subarray(0, 16).toString("hex")).toBe(
        `${Buffer.from("xqgfp001").toString("hex")}0200000000000000`,
      );
      for (const [i, x] of [p("doc-1", "Title", "Some text."), p("é", "", "")].entries()) {
        const sha = createHash("sha256").update(`${x.title.length}\u0000${x.title}${x.text}`).digest();
        const at = 16 + i * 20 + 12;
        expect([bytes.readUInt32LE(at), bytes.readUInt32LE(at + 4)]).toEqual([
          sha.readUInt32BE(0),
          sha.readUInt32BE(4),
        ]);
      }
      // the docid key, as an independent Python implementation of the same hash computes it (a change of hash
      // would make every saved fingerprint useless)
      expect(bytes.subarray(16, 28).toString("hex")).toBe("2a076448b400360a349b60da");
      expect(bytes.subarray(36, 48).toString("hex")).toBe("fc88571795c50da3afc406b7");
    });
  });
});
