/**
 * Generation tokens/s and encoding passages/s on the CPU and on CUDA, side by side, with the same models, inputs
 * and settings (ONNX Runtime's CPU provider against its CUDA provider). Where CUDA is not available (no CUDA
 * provider installed beside onnxruntime-node, or no GPU to open a session on), it says so and runs the CPU alone.
 * Each measurement is time-boxed: batches until `XQG_BENCH_SECONDS` (default 15) have passed, after a small
 * warm-up batch, so a run takes under 5 minutes whatever the device (about 2 on this project's 2 CPU cores).
 *
 *   pnpm --filter xqg bench:devices
 *   XQG_BENCH_GENERATOR=models/xqg-mt5-base XQG_BENCH_ENCODER=models/xdr-mbert pnpm --filter xqg bench:devices
 *
 * Models: XQG_BENCH_GENERATOR / XQG_BENCH_ENCODER (directories or hub ids); else the random-weight mT5-small-shaped
 * and mBERT-base-shaped models the querygen and encoders benchmarks build (when built), else the tiny fixtures.
 * Inputs: the quickstart corpus's passages; generation samples 5 queries per passage in Japanese (top-k 50,
 * max_length 32, seed 1), encoding takes passages at 128 tokens in batches of 32.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { formatTable } from "@xqg/bench-utils";
import { createEncoder, type Encoder } from "@xqg/encoders";
import { type ExecutionProvider, isCudaAvailable, loadTokenizer } from "@xqg/models";
import { createGenerator, formatPrompt, GENERATION_DEFAULTS, type Generator } from "@xqg/querygen";

const ROOT = resolve(import.meta.dirname, "../../..");
const SECONDS = Number(process.env["XQG_BENCH_SECONDS"] ?? 15);
const THREADS = Number(process.env["XQG_BENCH_THREADS"] ?? 0);
const GENERATION = {
  languages: ["ja"],
  perLanguage: 5,
  topK: 50,
  maxLength: 32,
  seed: 1,
  batchSize: 8,
} as const;
const ENCODING = { maxLength: 128, batchSize: 32 } as const;

function pick(env: string, built: string, last: string, fixture: string): { dir: string; name: string } {
  const given = process.env[env];
  if (given) return { dir: given, name: given };
  // the builders write `last` at the end: a half-built model is not picked
  if (existsSync(join(built, last))) return { dir: built, name: built.split("/").at(-1)! };
  return { dir: join(ROOT, "tooling/fixtures", fixture), name: `${fixture} (fixture)` };
}
const GENERATOR = withTokenizer(
  pick(
    "XQG_BENCH_GENERATOR",
    join(ROOT, "packages/querygen/.bench-cache/mt5-small-random"),
    "decoder_model_merged.onnx",
    "tiny-mt5",
  ),
);

/**
 * The querygen benchmark's mT5-small-shaped model has no tokenizer (that benchmark feeds token ids): a view of it
 * (symbolic links, in the same ignored cache) gets tiny-mt5's SentencePiece Unigram tokenizer, its vocabulary
 * padded to the model's 250,112 pieces with placeholder pieces that encoding never picks, so that any id the
 * random weights emit decodes. Prompts then tokenise as tiny-mt5's 3,000-piece vocabulary splits them, into more
 * tokens than mT5's own tokenizer would (the table prints the mean prompt length).
 */
function withTokenizer(model: { dir: string; name: string }): { dir: string; name: string } {
  if (existsSync(join(model.dir, "tokenizer.json"))) return model;
  const view = `${model.dir}-view`;
  if (!existsSync(join(view, "tokenizer.json"))) {
    mkdirSync(view, { recursive: true });
    for (const file of readdirSync(model.dir))
      if (!existsSync(join(view, file))) symlinkSync(join(model.dir, file), join(view, file));
    const config = JSON.parse(readFileSync(join(model.dir, "config.json"), "utf8")) as { vocab_size: number };
    const tokenizer = JSON.parse(
      readFileSync(join(ROOT, "tooling/fixtures/tiny-mt5/tokenizer.json"), "utf8"),
    );
    const vocab = tokenizer.model.vocab as Array<[string, number]>;
    for (let id = vocab.length; id < config.vocab_size; id++) vocab.push([`\u2581xqg${id}`, -1000]);
    writeFileSync(join(view, "tokenizer.json.tmp"), JSON.stringify(tokenizer));
    renameSync(join(view, "tokenizer.json.tmp"), join(view, "tokenizer.json"));
  }
  return { dir: view, name: `${model.name} (tiny-mt5's tokenizer, padded)` };
}
const ENCODER = pick(
  "XQG_BENCH_ENCODER",
  join(ROOT, "packages/encoders/node_modules/.cache/xqg-bench/mbert-base-random"),
  "config.json",
  "tiny-bert",
);

interface Passage {
  docid: string;
  title: string;
  text: string;
}
const PASSAGES: Passage[] = readFileSync(join(ROOT, "examples/quickstart/corpus.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as Passage);

interface Rate {
  task: string;
  device: string;
  batches: number;
  items: number;
  seconds: number;
  /** The process's CPU time (all threads): on a shared machine, the work done when wall time is inflated. */
  cpuSeconds: number;
  rate: number;
  unit: string;
}

/** Runs `batch(i)` (which returns the items it produced) until `SECONDS` have passed, after one warm-up call. */
async function timed(
  batch: (i: number) => Promise<number>,
): Promise<{ batches: number; items: number; seconds: number; cpuSeconds: number }> {
  await batch(0);
  let items = 0;
  let batches = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  do items += await batch(++batches);
  while ((performance.now() - started) / 1000 < SECONDS);
  const used = process.cpuUsage(cpu);
  return {
    batches,
    items,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

async function generation(device: ExecutionProvider): Promise<Rate> {
  let generator: Generator | undefined;
  try {
    generator = await createGenerator(GENERATOR.dir, {
      session: { threads: THREADS, executionProviders: [device] },
    });
    const open = generator;
    const size = GENERATION.batchSize;
    const result = await timed(async (i) => {
      const start = (i * size) % PASSAGES.length;
      const passages = [...PASSAGES, ...PASSAGES].slice(start, start + (i === 0 ? 2 : size));
      const prompts = passages.map((p) =>
        formatPrompt(GENERATION_DEFAULTS.prompt, { lang: "ja", title: p.title, passage: p.text }),
      );
      const completions = await open.complete(prompts, GENERATION);
      return completions.flat().reduce((n, c) => n + c.tokens.length, 0);
    });
    return { task: "generate", device, ...result, rate: result.items / result.seconds, unit: "tokens/s" };
  } finally {
    await generator?.close();
  }
}

async function encoding(device: ExecutionProvider): Promise<Rate> {
  let encoder: Encoder | undefined;
  try {
    encoder = await createEncoder(ENCODER.dir, {
      session: { threads: THREADS, executionProviders: [device] },
    });
    const open = encoder;
    const size = 64;
    const result = await timed(async (i) => {
      const start = (i * size) % PASSAGES.length;
      const passages = [...PASSAGES, ...PASSAGES].slice(start, start + (i === 0 ? 8 : size));
      await open.encodePassages(passages, ENCODING);
      return passages.length;
    });
    return {
      task: "encode passages",
      device,
      ...result,
      rate: result.items / result.seconds,
      unit: "passages/s",
    };
  } finally {
    await encoder?.close();
  }
}

/** Whether a CUDA session opens here: the provider library must be installed and a GPU must answer. */
async function cudaProblem(): Promise<string | undefined> {
  if (!isCudaAvailable())
    return "onnxruntime-node's CUDA provider is not installed here (no libonnxruntime_providers_cuda.so beside its native binding; see the root README on ONNXRUNTIME_NODE_INSTALL)";
  try {
    const encoder = await createEncoder(ENCODER.dir, { session: { executionProviders: ["cuda"] } });
    await encoder.encode(["probe"], { role: "query" });
    await encoder.close();
    return undefined;
  } catch (error) {
    return `the CUDA provider is installed, but a CUDA session failed: ${(error as Error).message.split("\n")[0]}`;
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const problem = await cudaProblem();
  const devices: ExecutionProvider[] = problem === undefined ? ["cpu", "cuda"] : ["cpu"];
  console.log(`generator: ${GENERATOR.name}; encoder: ${ENCODER.name}`);
  console.log(
    `CPU: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ONNX Runtime threads ${THREADS || "default"}`,
  );
  console.log(problem === undefined ? "CUDA: available" : `CUDA: not available: ${problem}. CPU only.`);
  const tokenizer = await loadTokenizer(GENERATOR.dir);
  const promptTokens = PASSAGES.map(
    (p) =>
      tokenizer.encode(
        formatPrompt(GENERATION_DEFAULTS.prompt, { lang: "ja", title: p.title, passage: p.text }),
      ).ids.length,
  );
  console.log(
    `generation: ${GENERATION.batchSize} prompts × ${GENERATION.perLanguage} samples a batch, top-k ${GENERATION.topK}, max_length ${GENERATION.maxLength}; prompts ${Math.round(promptTokens.reduce((a, b) => a + b, 0) / promptTokens.length)} tokens on average`,
  );
  const rates: Rate[] = [];
  for (const task of [generation, encoding])
    for (const device of devices) {
      rates.push(await task(device));
      console.error(`${rates.at(-1)!.task} on ${device}: done`);
    }
  const cpuRate = (task: string) => rates.find((r) => r.task === task && r.device === "cpu")!.rate;
  console.log(
    formatTable(
      rates.map((r) => ({
        task: r.task,
        model: r.task === "generate" ? GENERATOR.name : ENCODER.name,
        device: r.device,
        batches: r.batches,
        items: r.items,
        seconds: r.seconds,
        "CPU s": r.cpuSeconds,
        rate: r.rate,
        unit: r.unit,
        "× CPU": r.rate / cpuRate(r.task),
        ...(r.task === "generate"
          ? { "tokens/sequence": r.items / (r.batches * GENERATION.batchSize * GENERATION.perLanguage) }
          : {}),
      })),
    ),
  );
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
