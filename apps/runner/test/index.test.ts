import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QUICKSTART, TINY_BERT, xqg } from "./helpers.js";

describe("xqg index and search --index", () => {
  it("builds an HNSW index and searches it like the exact search, skipping work already done", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xqg-index-"));
    try {
      const at = (p: string) => join(dir, p);
      const common = ["--encoder", TINY_BERT, "--passage-max-length", "64", "--quiet"];
      expect(
        (await xqg("encode", "--corpus", join(QUICKSTART, "corpus.jsonl"), "--out", at("p.npy"), ...common))
          .code,
      ).toBe(0);
      expect(
        (await xqg("encode", "--queries", join(QUICKSTART, "dev.jsonl"), "--out", at("q.npy"), ...common))
          .code,
      ).toBe(0);
      const built = await xqg(
        "index",
        "--embeddings",
        at("p.npy"),
        "--out",
        at("p.usearch"),
        "--dtype",
        "f32",
        "--threads",
        "1",
      );
      expect(built.stderr).toMatch(/^xqg: index: done in /m);
      const again = await xqg(
        "index",
        "--embeddings",
        at("p.npy"),
        "--out",
        at("p.usearch"),
        "--dtype",
        "f32",
      );
      expect(again.stderr).toMatch(/^xqg: index: up to date/m);
      const search = (target: string[], out: string) =>
        xqg("search", ...target, "--queries", at("q.npy"), "--out", at(out), "--depth", "10", "--quiet");
      expect((await search(["--index", at("p.usearch")], "hnsw.trec")).code).toBe(0);
      expect((await search(["--embeddings", at("p.npy")], "exact.trec")).code).toBe(0);
      const top1 = async (file: string) =>
        (await readFile(at(file), "utf8"))
          .trim()
          .split("\n")
          .map((l) => l.split(" "))
          .filter((f) => f[3] === "1")
          .map((f) => `${f[0]} ${f[2]}`);
      const hnsw = await top1("hnsw.trec");
      const exact = await top1("exact.trec");
      expect(hnsw).toHaveLength(147);
      // 288 vectors, usearch's default expansion: the graph search finds the true nearest neighbour
      expect(hnsw).toEqual(exact);
      const lines = (await readFile(at("hnsw.trec"), "utf8")).trim().split("\n");
      expect(lines).toHaveLength(1470);
      expect(lines[0]).toMatch(/^ar-001 Q0 qs\d{4} 1 -?\d+(\.\d+)?(e-?\d+)? hnsw$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
