// Compiles kernel/mix.wat into src/kernel/mix-wasm.ts (the bytes, base64), so that the package ships no build
// step and no .wasm file to locate at run time. test/kernel.test.ts checks that the two stay in step.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import wabt from "wabt";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function compileKernel() {
  const source = readFileSync(join(root, "kernel/mix.wat"), "utf8");
  const module = (await wabt()).parseWat("mix.wat", source, { simd: true });
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export function kernelSource(bytes) {
  return [
    "// Generated from kernel/mix.wat by scripts/build-kernel.mjs; do not edit.",
    `export const MIX_WASM_BASE64 =\n  "${bytes.toString("base64")}";`,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = join(root, "src/kernel/mix-wasm.ts");
  writeFileSync(`${out}.tmp`, kernelSource(await compileKernel()));
  renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}`);
}
