import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { idsPath, readIds, streamIds, writeIds, XqgError } from "../src/index.js";

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe("ids sidecar", () => {
  it("pairs X.npy with X.ids, and X.usearch with X.usearch.ids", () => {
    expect(idsPath("/d/emb.npy")).toBe("/d/emb.ids");
    expect(idsPath("/d/emb.bin")).toBe("/d/emb.bin.ids");
    expect(idsPath("/d/index.usearch")).toBe("/d/index.usearch.ids");
  });

  it("writes one id per line atomically and reads them back, whole or streamed", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "e.ids");
      async function* ids() {
        yield* ["doc 1", "ünï", "3"];
      }
      expect(await writeIds(path, ids())).toEqual({ ids: 3 });
      expect(await readFile(path, "utf8")).toBe("doc 1\nünï\n3\n");
      expect(await readIds(path)).toEqual(["doc 1", "ünï", "3"]);
      expect(await collect(streamIds(path))).toEqual(["doc 1", "ünï", "3"]);
      await writeIds(path, []);
      expect(await readFile(path, "utf8")).toBe("");
      expect(await readIds(path)).toEqual([]);
      expect(await collect(streamIds(path))).toEqual([]);
      await expect(writeIds(join(dir, "bad.ids"), ["a", "b\nc"])).rejects.toThrow(
        `${join(dir, "bad.ids")}:2: id "b\\nc" must be a non-empty string without line breaks`,
      );
      expect(await readdir(dir)).toEqual(["e.ids"]);
    });
  });

  it("accepts a BOM, CRLF and a missing final newline; refuses empty lines with their number", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "e.ids");
      await writeFile(path, "\ufeffa\r\nb");
      expect(await readIds(path)).toEqual(["a", "b"]);
      expect(await collect(streamIds(path))).toEqual(["a", "b"]);
      await writeFile(path, "a\n\nb\n");
      const whole = await readIds(path).catch((e: unknown) => e);
      expect(whole).toBeInstanceOf(XqgError);
      expect(whole).toMatchObject({
        message: `${path}:2: empty id`,
        line: 2,
        field: "id",
        code: "bad-value",
      });
      await expect(collect(streamIds(path))).rejects.toThrow(`${path}:2: empty id`);
    });
  });

  it("streams a file larger than one read chunk, ids cut across chunks", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "big.ids");
      const ids = Array.from({ length: 30_000 }, (_, i) => `passage-${i}-ü`);
      await writeFile(path, `\ufeff${ids.join("\r\n")}\r\n`);
      expect(await collect(streamIds(path))).toEqual(ids);
      expect(await readIds(path)).toEqual(ids);
    });
  });
});
