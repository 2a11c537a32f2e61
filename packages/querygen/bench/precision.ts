/**
 * float32 vs int8 (and float16) exports of the mT5-small-shaped model on CPU: greedy tokens/s and how many greedy
 * tokens agree with float32's. The variants are made from the float32 graphs by the fixtures' converter
 * (tooling/fixtures/builder/build_precision.py: int8 laid out as quantize_dynamic lays it out, fp16 as
 * `optimum-cli export onnx --fp16`), once, into the model's ignored cache directory.
 *
 *   pnpm --filter @xqg/querygen exec tsx bench/run.ts mt5 precision [threads=N] [fp16]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { formatTable, type Row } from "@xqg/bench-utils";
import { feedable, floatData, type ModelConfig, Tensor } from "@xqg/models";
import { decodeBatch, type PromptRequest } from "../src/decode.js";
import { OnnxSeq2Seq } from "../src/onnx-seq2seq.js";
import { decodeSettings } from "../src/options.js";
import { argmax } from "../src/top-k.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const CONVERTER = join(HERE, "..", "..", "..", "tooling", "fixtures", "builder", "build_precision.py");

/** Writes the `_quantized` (and `_fp16`) graphs beside the float32 ones on first use. */
function ensureVariants(dir: string, kinds: string[]): void {
  const missing = kinds.filter(
    (kind) => !existsSync(join(dir, `decoder_model_merged_${kind === "int8" ? "quantized" : kind}.onnx`)),
  );
  if (missing.length === 0) return;
  console.error(`converting ${dir} to ${missing.join(", ")} (a few minutes)…`);
  const graphs = ["encoder_model.onnx", "decoder_model_merged.onnx"];
  const run = spawnSync("/usr/bin/python3", [CONVERTER, dir, "--to", ...missing, "--graphs", ...graphs], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.status !== 0)
    throw new Error("build_precision.py failed (needs /usr/bin/python3 with python3-onnx)");
}

/** Positions (over the longer of each pair) where the token lists agree. */
function agreement(a: number[][], b: number[][]): { equal: number; total: number } {
  let equal = 0;
  let total = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    for (let j = 0; j < Math.max(x.length, y.length); j++) {
      total++;
      if (x[j] === y[j]) equal++;
    }
  });
  return { equal, total };
}

/**
 * Teacher-forced agreement: the variant reads float32's greedy prefixes (full recompute) and picks its own
 * argmax at every position; the share that equals float32's next token. Unlike free-running agreement it is not
 * dragged down by everything after a first difference.
 */
async function forcedAgreement(
  model: OnnxSeq2Seq,
  batch: PromptRequest[],
  reference: number[][],
  startId: number,
): Promise<{ equal: number; total: number }> {
  let equal = 0;
  let total = 0;
  for (const [i, request] of batch.entries()) {
    const state = await model.encode([request.ids]);
    const tokens = reference[i]!;
    const logits = await model.forward(state, [[startId, ...tokens.slice(0, -1)]]);
    const [, positions, vocab] = logits.dims as [number, number, number];
    const data = floatData(logits, "logits");
    for (let p = 0; p < positions; p++) {
      total++;
      if (argmax(data.subarray(p * vocab, (p + 1) * vocab)) === tokens[p]) equal++;
    }
  }
  return { equal, total };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

/** float32 values as a float16 tensor (Node 24's Float16Array rounds them; Node 22 has none: undefined). */
function asHalf(values: Float32Array, dims: readonly number[]): Tensor | undefined {
  const Half = (globalThis as { Float16Array?: new (values: ArrayLike<number>) => ArrayBufferView })
    .Float16Array;
  if (!Half) return undefined;
  return feedable(new Tensor("float16", new Uint16Array(new Half(values).buffer), dims));
}

/**
 * Where a variant's error comes from, on the first decoding step of each prompt (means over the prompts): the
 * cosine of its encoder states with float32's, of its first logits with float32's, and of the first logits its
 * decoder gives from float32's encoder states.
 */
async function firstStep(
  model: OnnxSeq2Seq,
  reference: OnnxSeq2Seq,
  batch: PromptRequest[],
): Promise<{ states: number; logits: number; decoderOnly: number | undefined }> {
  let states = 0;
  let logits = 0;
  let decoderOnly: number | undefined = 0;
  for (const request of batch) {
    const start = [[reference.decoderStartId]];
    const want = await reference.encode([request.ids]);
    const got = await model.encode([request.ids]);
    states += cosine(floatData(got.hidden, "states"), floatData(want.hidden, "states"));
    const wantLogits = floatData(await reference.forward(want, start), "logits");
    logits += cosine(floatData(await model.forward(got, start), "logits"), wantLogits);
    const fed =
      model.floatType === "float16"
        ? asHalf(floatData(want.hidden, "states"), want.hidden.dims)
        : want.hidden;
    if (fed === undefined || decoderOnly === undefined) decoderOnly = undefined;
    else
      decoderOnly += cosine(
        floatData(await model.forward({ ...want, hidden: fed }, start), "logits"),
        wantLogits,
      );
  }
  const n = batch.length;
  return {
    states: states / n,
    logits: logits / n,
    decoderOnly: decoderOnly === undefined ? undefined : decoderOnly / n,
  };
}

export async function precisionSection(
  dir: string,
  config: ModelConfig,
  batch: PromptRequest[],
): Promise<void> {
  const threads = Number(process.argv.find((a) => a.startsWith("threads="))?.slice(8) ?? 0);
  const kinds = process.argv.includes("fp16") ? ["int8", "fp16"] : ["int8"];
  ensureVariants(dir, kinds);
  const graphsOf = (suffix: string) => ({
    encoder: join(dir, `encoder_model${suffix}.onnx`),
    decoderMerged: join(dir, `decoder_model_merged${suffix}.onnx`),
  });
  const variants: Array<[string, string]> = [
    ["float32", ""],
    ["int8 (quantize_dynamic layout)", "_quantized"],
    ...(kinds.includes("fp16") ? ([["float16", "_fp16"]] as Array<[string, string]>) : []),
  ];
  // Random weights never choose EOS: every row runs the full 32 new tokens.
  const settings = decodeSettings({ strategy: "greedy", maxLength: 33 }, { eosIds: [], padId: 0 });
  const models = new Map<string, OnnxSeq2Seq>();
  for (const [name, suffix] of variants) {
    models.set(name, await OnnxSeq2Seq.open(graphsOf(suffix), config, { session: { threads } }));
  }
  const timings = new Map<string, { seconds: number; cpuSeconds: number; tokens: number[][] }>();
  for (const model of models.values())
    await decodeBatch(model, batch.slice(0, 1), { ...settings, maxLength: 3 });
  for (let round = 0; round < 2; round++) {
    for (const [name, model] of models) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const out = await decodeBatch(model, batch, settings);
      const used = process.cpuUsage(cpu);
      const run = {
        seconds: (performance.now() - start) / 1000,
        cpuSeconds: (used.user + used.system) / 1e6,
        tokens: out.map((s) => s[0]!.tokens),
      };
      const previous = timings.get(name);
      if (!previous || run.seconds < previous.seconds) timings.set(name, run);
    }
  }
  const reference = timings.get("float32")!;
  const generated = reference.tokens.reduce((n, t) => n + t.length, 0);
  const startId = models.get("float32")!.decoderStartId;
  const rows: Row[] = [];
  for (const [name, model] of models) {
    const t = timings.get(name)!;
    const free = agreement(t.tokens, reference.tokens);
    const forced = name === "float32" ? free : await forcedAgreement(model, batch, reference.tokens, startId);
    const first =
      name === "float32"
        ? { states: 1, logits: 1, decoderOnly: 1 }
        : await firstStep(model, models.get("float32")!, batch);
    rows.push({
      graphs: name,
      "tokens/s": generated / t.seconds,
      "tokens/CPU-s": generated / t.cpuSeconds,
      "vs float32": reference.seconds / t.seconds,
      "greedy tokens equal": `${free.equal}/${free.total} (${((100 * free.equal) / free.total).toFixed(1)}%)`,
      "next token equal, float32 prefix": `${forced.equal}/${forced.total} (${((100 * forced.equal) / forced.total).toFixed(1)}%)`,
      "cos encoder states": first.states.toFixed(4),
      "cos first logits": first.logits.toFixed(4),
      "cos first logits, float32 states": first.decoderOnly?.toFixed(6) ?? "n/a (Node 22)",
    });
  }
  console.log(
    `\n### mT5-small-shaped: float32 vs int8${kinds.includes("fp16") ? " vs float16" : ""} on CPU (greedy, ${batch.length} prompts × 32 new tokens, 160-token prompts, EOS ignored, ${threads === 0 ? "ORT default threads" : `${threads} intra-op thread(s)`}, best of 2 interleaved)\n`,
  );
  console.log(formatTable(rows));
  for (const model of models.values()) await model.close();
}
