/**
 * float16 and int8 encoder exports against float32: the cosine of each text's embedding with its float32
 * embedding, and texts/s on CPU. The variants are made from the float32 graph by the fixtures' converter
 * (tooling/fixtures/builder/build_precision.py: float16 as `optimum-cli export onnx --fp16` exports it, int8 as
 * quantize_dynamic lays it out); tiny-bert's are the committed fixtures.
 *
 *   XQG_SHARED_DIR=/work/shared pnpm --filter @xqg/encoders exec tsx bench/precision.ts [--quick]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { formatTable, type Row } from "@xqg/bench-utils";
import { fixtureDir } from "@xqg/fixtures";
import { createEncoder, ENCODER_DEFAULTS } from "../src/index.js";
import { benchInputs } from "./inputs.js";
import { mbertBaseDir } from "./models.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const CONVERTER = join(HERE, "..", "..", "..", "tooling", "fixtures", "builder", "build_precision.py");
const SESSION = { threads: 2 };

function ensureVariants(dir: string): void {
  if (existsSync(join(dir, "model_fp16.onnx")) && existsSync(join(dir, "model_quantized.onnx"))) return;
  console.error(`converting ${dir} to fp16 and int8…`);
  const run = spawnSync(
    "/usr/bin/python3",
    [CONVERTER, dir, "--to", "fp16", "int8", "--graphs", "model.onnx"],
    {
      stdio: "inherit",
    },
  );
  if (run.status !== 0)
    throw new Error("build_precision.py failed (needs /usr/bin/python3 with python3-onnx)");
}

function cosines(a: Float32Array, b: Float32Array, dim: number): { min: number; mean: number } {
  let min = 1;
  let sum = 0;
  const rows = a.length / dim;
  for (let r = 0; r < rows; r++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let d = r * dim; d < (r + 1) * dim; d++) {
      ab += a[d]! * b[d]!;
      aa += a[d]! * a[d]!;
      bb += b[d]! * b[d]!;
    }
    const c = ab / Math.sqrt(aa * bb);
    min = Math.min(min, c);
    sum += c;
  }
  return { min, mean: sum / rows };
}

const setups = [{ name: "tiny-bert", dir: fixtureDir("tiny-bert"), queries: 512, passages: 128 }];
if (!process.argv.includes("--quick")) {
  const dir = mbertBaseDir();
  ensureVariants(dir);
  setups.push({ name: "mBERT-base-shaped (random weights)", dir, queries: 256, passages: 64 });
}

const rows: Row[] = [];
for (const setup of setups) {
  const inputs = benchInputs(setup.queries, setup.passages);
  const variants = [
    ["float32", {}],
    ["float16", { variant: "fp16" }],
    ["int8", { quantized: true }],
  ] as const;
  const reference = new Map<string, Float32Array>();
  const referenceSeconds = new Map<string, number>();
  for (const [name, opts] of variants) {
    const encoder = await createEncoder(setup.dir, { ...opts, session: SESSION, warn: () => {} });
    for (const role of ["query", "passage"] as const) {
      const texts = role === "query" ? inputs.queries : inputs.passages;
      const options = { role, maxLength: Math.min(ENCODER_DEFAULTS.maxLength[role], 64) };
      await encoder.encode(texts.slice(0, 8), options); // warm-up
      let seconds = Number.POSITIVE_INFINITY;
      let vectors: Float32Array = new Float32Array(0);
      for (let i = 0; i < 2; i++) {
        const start = performance.now();
        vectors = await encoder.encode(texts, options);
        seconds = Math.min(seconds, (performance.now() - start) / 1000);
      }
      if (name === "float32") {
        reference.set(role, vectors);
        referenceSeconds.set(role, seconds);
      }
      const { min, mean } = cosines(vectors, reference.get(role)!, encoder.dimensions);
      rows.push({
        model: setup.name,
        graphs: name,
        texts: `${texts.length} ${role === "query" ? "queries" : "passages"}`,
        "texts/s": texts.length / seconds,
        "vs float32": referenceSeconds.get(role)! / seconds,
        "min cosine": min.toFixed(6),
        "mean cosine": mean.toFixed(6),
      });
    }
    await encoder.close();
  }
}
console.log(
  `\n### Encoders: float16 and int8 exports against float32 (CLS pooling, queries ≤ 32 tokens, passages ≤ 64, ${SESSION.threads} threads, node ${process.version}, onnxruntime-node 1.23.2 on CPU)\n`,
);
console.log(formatTable(rows));
