import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
/** Ignored by git (.gitignore: .bench-cache/): built models never reach a commit. */
export const CACHE_DIR = join(HERE, "..", ".bench-cache");

/**
 * The random-weight mT5-small-shaped model (d_model 512, 8+8 layers, vocab 250,112), built on first use
 * with Debian's PyTorch (/usr/bin/python3 with python3-torch and python3-onnx), then reused.
 */
export function mt5SmallShaped(): string {
  const dir = join(CACHE_DIR, "mt5-small-random");
  if (existsSync(join(dir, "decoder_model_merged.onnx"))) return dir;
  console.error(`building ${dir} (random weights, a few minutes, about 2 GB of disk)…`);
  const built = spawnSync(
    "/usr/bin/python3",
    [join(HERE, "build_random_mt5.py"), "--out", dir, "--preset", "mt5-small"],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  if (built.status !== 0) {
    throw new Error(
      "building the mT5-small-shaped model failed; it needs /usr/bin/python3 with python3-torch and python3-onnx " +
        "(apt-get install python3-torch python3-onnx)",
    );
  }
  return dir;
}
