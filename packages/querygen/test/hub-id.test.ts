import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fixtureDir, goldens } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { expect, it } from "vitest";
import { createGenerator } from "../src/index.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

it("opens a Hugging Face id from the hub cache (onnx/ layout, symlinked blobs as huggingface_hub writes them)", () =>
  withTempDir(async (cache) => {
    const repo = join(cache, "models--xqg-test--tiny-mt5");
    const snapshot = join(repo, "snapshots", SHA);
    await mkdir(join(snapshot, "onnx"), { recursive: true });
    await mkdir(join(repo, "refs"));
    await writeFile(join(repo, "refs", "main"), SHA);
    for (const file of ["config.json", "generation_config.json", "tokenizer.json", "spiece.model"])
      await symlink(join(fixtureDir("tiny-mt5"), file), join(snapshot, file));
    for (const graph of ["encoder_model.onnx", "decoder_model_merged.onnx"])
      await symlink(join(fixtureDir("tiny-mt5"), graph), join(snapshot, "onnx", graph));

    const generator = await createGenerator("xqg-test/tiny-mt5", {
      hub: { env: { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: "1" } },
      session: { threads: 1 },
    });
    try {
      expect(generator.files.dir).toBe(snapshot);
      expect(generator.files.decoderMerged).toBe(join(snapshot, "onnx", "decoder_model_merged.onnx"));
      const g = await goldens("tiny-mt5");
      const prompt = g.generation.prompts[0]!;
      const [out] = await generator.complete([prompt.prompt], {
        strategy: "greedy",
        maxLength: g.generation.max_new_tokens + 1,
      });
      expect(out![0]!.tokens).toEqual(prompt.output_ids);
    } finally {
      await generator.close();
    }
    // offline and not cached: one line naming what was looked for, before any session is opened
    await expect(
      createGenerator("xqg-test/absent", { hub: { env: { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: "1" } } }),
    ).rejects.toThrow(
      `xqg-test/absent: no model directory ${join(process.cwd(), "xqg-test", "absent")}, and no snapshot of ` +
        `xqg-test/absent@main in the Hugging Face cache (${join(cache, "models--xqg-test--absent", "refs", "main")}); ` +
        "offline (HF_HUB_OFFLINE), so the hub was not asked",
    );
  }));

it("checks maxInputLength before opening anything", async () => {
  await expect(createGenerator("xqg-test/absent", { maxInputLength: 1 })).rejects.toThrow(
    "maxInputLength must be an integer from 2 to 8192 (prompt tokens; attention memory grows with its square), got 1",
  );
});
