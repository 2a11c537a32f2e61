import { mkdir, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { reportFromChild, runIsolated } from "@xqg/bench-utils";
import { CACHE_DIR } from "./mt5-shaped.js";

export interface TransformersJsRun {
  /** Best wall time over the runs. */
  seconds: number;
  /** Best process CPU time (user + system) over the runs. */
  cpuSeconds: number;
  /** Generated tokens (EOS included, decoder start and padding excluded). */
  tokens: number;
  sequences: number[][];
  error?: string;
}

export interface TransformersJsJob {
  dir: string;
  inputIds: number[][];
  maxLength: number;
  runs: number;
  /** ORT intra-op threads; 0 keeps ORT's default. */
  threads: number;
}

/**
 * Runs `transformersJsGreedy` in a child process: transformers.js brings its own onnxruntime-node (1.30),
 * whose native library cannot share a process with the 1.23 one @xqg/querygen loads.
 */
export async function transformersJsGreedyIsolated(job: TransformersJsJob): Promise<TransformersJsRun> {
  try {
    return (await runIsolated<TransformersJsRun>(fileURLToPath(import.meta.url), [JSON.stringify(job)]))
      .report;
  } catch (error) {
    return {
      seconds: 0,
      cpuSeconds: 0,
      tokens: 0,
      sequences: [],
      error: (error as Error).message.slice(0, 500),
    };
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  reportFromChild(await transformersJsGreedy(JSON.parse(process.argv[2]!) as TransformersJsJob));
}

/**
 * transformers.js `generate` (greedy) on the same model files: it wants its own layout (graphs under
 * onnx/, addressed by a model id under env.localModelPath), made here from symlinks.
 */
export async function transformersJsGreedy(job: TransformersJsJob): Promise<TransformersJsRun> {
  const { dir, inputIds, maxLength, runs, threads } = job;
  try {
    const tjs = await import("@huggingface/transformers");
    const root = join(CACHE_DIR, "transformers-js");
    const id = basename(dir);
    const home = join(root, id);
    await mkdir(join(home, "onnx"), { recursive: true });
    const links: Array<[string, string]> = [
      ["config.json", "config.json"],
      ["generation_config.json", "generation_config.json"],
      ["tokenizer.json", "tokenizer.json"],
      ["encoder_model.onnx", "onnx/encoder_model.onnx"],
      ["decoder_model_merged.onnx", "onnx/decoder_model_merged.onnx"],
    ];
    for (const [from, to] of links) await symlink(join(dir, from), join(home, to)).catch(() => undefined);
    tjs.env.localModelPath = root;
    tjs.env.allowRemoteModels = false;
    tjs.env.allowLocalModels = true;
    const model = await tjs.AutoModelForSeq2SeqLM.from_pretrained(id, {
      dtype: "fp32",
      device: "cpu",
      ...(threads > 0 ? { session_options: { intraOpNumThreads: threads } } : {}),
    });
    const width = Math.max(...inputIds.map((r) => r.length));
    const ids = new BigInt64Array(inputIds.length * width);
    const mask = new BigInt64Array(inputIds.length * width);
    for (const [i, row] of inputIds.entries()) {
      for (const [j, t] of row.entries()) {
        ids[i * width + j] = BigInt(t);
        mask[i * width + j] = 1n;
      }
    }
    const run = async () =>
      (await model.generate({
        inputs: new tjs.Tensor("int64", ids, [inputIds.length, width]),
        attention_mask: new tjs.Tensor("int64", mask, [inputIds.length, width]),
        max_length: maxLength,
        do_sample: false,
      } as never)) as { tolist(): bigint[][] };
    await run(); // warm-up
    let seconds = Number.POSITIVE_INFINITY;
    let cpuSeconds = Number.POSITIVE_INFINITY;
    let out!: { tolist(): bigint[][] };
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      out = await run();
      const used = process.cpuUsage(cpu);
      cpuSeconds = Math.min(cpuSeconds, (used.user + used.system) / 1e6);
      seconds = Math.min(seconds, (performance.now() - start) / 1000);
    }
    const eos = 1;
    const sequences = out.tolist().map((row) => {
      const tokens = row.slice(1).map(Number);
      const end = tokens.indexOf(eos);
      return end < 0 ? tokens : tokens.slice(0, end + 1);
    });
    await model.dispose();
    return { seconds, cpuSeconds, tokens: sequences.reduce((n, s) => n + s.length, 0), sequences };
  } catch (error) {
    return { seconds: 0, cpuSeconds: 0, tokens: 0, sequences: [], error: (error as Error).message };
  }
}
