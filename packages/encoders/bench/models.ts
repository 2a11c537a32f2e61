import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureDir } from "@xqg/fixtures";

const HERE = dirname(fileURLToPath(import.meta.url));
/** Built benchmark models live in node_modules/.cache (ignored by git and Biome); XQG_BENCH_CACHE overrides. */
export const CACHE =
  process.env["XQG_BENCH_CACHE"] ?? resolve(HERE, "..", "node_modules", ".cache", "xqg-bench");

/** The random-weight mBERT-base-shaped encoder, built on first use with Debian's PyTorch (~700 MB, ~1 min). */
export function mbertBaseDir(): string {
  const dir = join(CACHE, "mbert-base-random");
  if (!existsSync(join(dir, "config.json"))) {
    console.error(`building ${dir} with /usr/bin/python3 (torch) ...`);
    execFileSync("/usr/bin/python3", [join(HERE, "build_mbert_base.py"), fixtureDir("tiny-bert"), dir], {
      stdio: "inherit",
    });
  }
  return dir;
}

/**
 * The same files in the layout transformers.js reads (onnx/model.onnx plus tokenizer_config.json); its pipeline
 * truncates to the tokenizer's model_max_length, so each max length gets its own view.
 */
export function transformersJsView(
  dir: string,
  name: string,
  maxLength: number,
): { root: string; id: string } {
  const id = `${name}-${maxLength}`;
  const view = join(CACHE, "tjs", id);
  if (!existsSync(join(view, "tokenizer_config.json"))) {
    mkdirSync(join(view, "onnx"), { recursive: true });
    for (const file of ["config.json", "tokenizer.json"]) symlinkSync(join(dir, file), join(view, file));
    symlinkSync(join(dir, "model.onnx"), join(view, "onnx", "model.onnx"));
    writeFileSync(
      join(view, "tokenizer_config.json"),
      JSON.stringify({
        tokenizer_class: "BertTokenizer",
        model_max_length: maxLength,
        do_lower_case: false,
        pad_token: "[PAD]",
        unk_token: "[UNK]",
        cls_token: "[CLS]",
        sep_token: "[SEP]",
        mask_token: "[MASK]",
      }),
    );
  }
  return { root: join(CACHE, "tjs"), id };
}
