import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fixtureDir, goldens } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { expect, it } from "vitest";
import { createEncoder } from "../src/index.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

it("encodes with a Hugging Face id found in the hub cache ($HF_HUB_CACHE), as the fixture's goldens", () =>
  withTempDir(async (cache) => {
    const snapshot = join(cache, "models--xqg-test--tiny-bert", "snapshots", SHA);
    await mkdir(join(snapshot, "onnx"), { recursive: true });
    await mkdir(join(cache, "models--xqg-test--tiny-bert", "refs"));
    await writeFile(join(cache, "models--xqg-test--tiny-bert", "refs", "main"), SHA);
    for (const file of ["config.json", "tokenizer.json"])
      await symlink(join(fixtureDir("tiny-bert"), file), join(snapshot, file));
    await symlink(join(fixtureDir("tiny-bert"), "model.onnx"), join(snapshot, "onnx", "model.onnx"));

    const saved = { cache: process.env["HF_HUB_CACHE"], offline: process.env["HF_HUB_OFFLINE"] };
    process.env["HF_HUB_CACHE"] = cache;
    process.env["HF_HUB_OFFLINE"] = "1";
    try {
      const golden = await goldens("tiny-bert");
      const encoder = await createEncoder("xqg-test/tiny-bert");
      try {
        const vectors = await encoder.encode(golden.batch.texts, { role: "passage", maxLength: 64 });
        const worst = golden.batch.cls.flat().reduce((w, v, i) => Math.max(w, Math.abs(v - vectors[i]!)), 0);
        expect(worst).toBeLessThan(1e-4);
      } finally {
        await encoder.close();
      }
    } finally {
      for (const [key, value] of [
        ["HF_HUB_CACHE", saved.cache],
        ["HF_HUB_OFFLINE", saved.offline],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }));
