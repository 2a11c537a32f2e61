import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { tempPathFor, writeFileAtomic, writeTextAtomic } from "../src/index.js";

describe("atomic writes", () => {
  it("writeFileAtomic creates parent folders, replaces the file whole and leaves no temp file", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "a", "b", "manifest.json");
      await writeFileAtomic(path, '{"v":1}\n');
      await writeFileAtomic(path, Uint8Array.of(0x7b, 0x7d), { durable: true });
      expect(await readFile(path, "utf8")).toBe("{}");
      expect(await readdir(join(dir, "a", "b"))).toEqual(["manifest.json"]);
    });
  });

  it("tempPathFor is a hidden, unique name in the same folder", () => {
    const a = tempPathFor("/out/run.trec");
    expect(a).toMatch(new RegExp(`^/out/\\.run\\.trec\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    expect(tempPathFor("/out/run.trec")).not.toBe(a);
  });

  it("writeTextAtomic streams pieces, gzips .gz, and leaves the old file when the pieces fail", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "lines.txt");
      await writeTextAtomic(path, ["a\n", "b\n"]);
      expect(await readFile(path, "utf8")).toBe("a\nb\n");
      async function* failing() {
        yield "c\n";
        throw new Error("source failed");
      }
      await expect(writeTextAtomic(path, failing())).rejects.toThrow("source failed");
      expect(await readFile(path, "utf8")).toBe("a\nb\n");
      await writeTextAtomic(join(dir, "z.txt.gz"), ["zipped\n"]);
      expect(gunzipSync(await readFile(join(dir, "z.txt.gz"))).toString()).toBe("zipped\n");
      expect((await readdir(dir)).sort()).toEqual(["lines.txt", "z.txt.gz"]);
    });
  });
});
