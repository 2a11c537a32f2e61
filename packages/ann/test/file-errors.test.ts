import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { Index } from "../src/index.js";

describe("file errors keep their cause", () => {
  it("a sidecar that cannot be read is not called missing", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "p.usearch");
      const index = Index.create({ dimensions: 2 });
      await index.add(["a"], Float32Array.of(1, 0));
      await index.save(path);
      const ids = `${path}.ids`;
      const { rm } = await import("node:fs/promises");
      await rm(ids);
      await mkdir(ids); // a folder where the ids file should be: EISDIR, not ENOENT
      await expect(Index.load(path)).rejects.toThrow(`${ids}: cannot read the id sidecar (EISDIR`);
      await rm(ids, { recursive: true });
      await expect(Index.load(path)).rejects.toThrow(`${ids}: id sidecar is missing`);
      await writeFile(ids, "a\n");
      await rm(path);
      await mkdir(path);
      await expect(Index.load(path)).rejects.toThrow(/cannot read the index file \(EISDIR|is not/);
    });
  });
});
