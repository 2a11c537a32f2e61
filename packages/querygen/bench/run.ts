/**
 * @xqg/querygen benchmarks. Prints Markdown tables; every ratio is measured in this run.
 *
 *   pnpm --filter @xqg/querygen bench            # tiny fixture + mT5-small-shaped model
 *   pnpm --filter @xqg/querygen bench -- tiny    # only the tiny fixture
 *   pnpm --filter @xqg/querygen bench -- mt5     # only the mT5-small-shaped model
 *   pnpm --filter @xqg/querygen bench -- tiny DIR  # the small-model section on another export
 *   pnpm --filter @xqg/querygen bench -- mt5 selection  # only the token choice: JavaScript vs decoder graph
 *   pnpm --filter @xqg/querygen exec tsx bench/run.ts mt5 precision [threads=N] [fp16]  # float32 vs int8 (and float16)
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { formatTable, type Row } from "@xqg/bench-utils";
import { ensureModel, loadModelConfig, loadTokenizer } from "@xqg/models";
import * as ort from "onnxruntime-node";
import { type DecodeSettings, decodeBatch, type PromptRequest } from "../src/decode.js";
import { createGenerator } from "../src/index.js";
import { OnnxSeq2Seq } from "../src/onnx-seq2seq.js";
import { decodeSettings } from "../src/options.js";
import { PROMPT_TEMPLATE } from "../src/prompt.js";
import { withoutCache } from "../src/recompute.js";
import { createRng } from "../src/rng.js";
import { sampleCandidate, warpLogits, warpTop } from "../src/sampling.js";
import type { StepModel } from "../src/step-model.js";
import { argmax } from "../src/top-k.js";
import { CACHE_DIR, mt5SmallShaped } from "./mt5-shaped.js";
import { precisionSection } from "./precision.js";
import { transformersJsGreedyIsolated } from "./transformers-js.js";

const which = process.argv[2] ?? "all";
const tinyDir = process.argv[3];

const SETTINGS: DecodeSettings = decodeSettings(
  { strategy: "greedy", maxLength: 64 },
  { eosIds: [1], padId: 0 },
);

const PASSAGES = [
  {
    title: "Hamlet",
    text: "Hamlet is a tragedy written by William Shakespeare sometime between 1599 and 1601. It is Shakespeare's longest play.",
  },
  {
    title: "Mount Fuji",
    text: "Mount Fuji is an active stratovolcano that last erupted from 1707 to 1708. It is the highest mountain in Japan.",
  },
];
const LANGS = ["Arabic", "Bengali", "Finnish", "Japanese"];
const PROMPTS = PASSAGES.flatMap((p) =>
  LANGS.map((language) =>
    PROMPT_TEMPLATE.replace("{Language}", language).replace("{title}", p.title).replace("{passage}", p.text),
  ),
);

interface Timing<T> {
  /** Best wall time. */
  seconds: number;
  /** Best process CPU time (user + system): robust to other jobs on the machine when ORT runs one thread. */
  cpuSeconds: number;
  result: T;
}

async function best<T>(runs: number, fn: () => Promise<T>): Promise<Timing<T>> {
  const timing: Timing<T> = {
    seconds: Number.POSITIVE_INFINITY,
    cpuSeconds: Number.POSITIVE_INFINITY,
    result: undefined as T,
  };
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    timing.result = await fn();
    const used = process.cpuUsage(cpu);
    timing.cpuSeconds = Math.min(timing.cpuSeconds, (used.user + used.system) / 1e6);
    timing.seconds = Math.min(timing.seconds, (performance.now() - start) / 1000);
  }
  return timing;
}

/** Wall and CPU columns for a table row. */
function rates(t: { seconds: number; cpuSeconds: number }, tokens: number): Row {
  return { "wall s": t.seconds, "CPU s": t.cpuSeconds, "tokens/CPU s": tokens / t.cpuSeconds };
}

const countTokens = (out: { tokens: number[] }[][]) => out.flat().reduce((n, s) => n + s.tokens.length, 0);

/** KV-cache decoding vs re-running the decoder over the whole prefix, all sequences 63 new tokens long. */
async function cacheVersusRecompute(
  model: OnnxSeq2Seq,
  requests: PromptRequest[],
  runs: number,
  label: string,
) {
  const settings = { ...SETTINGS, eosIds: [] };
  const cached = await best(runs, () => decodeBatch(model, requests, settings));
  const recomputed = await best(runs, () => decodeBatch(withoutCache(model), requests, settings));
  const same = JSON.stringify(cached.result) === JSON.stringify(recomputed.result);
  const tokens = countTokens(cached.result);
  const rows: Row[] = [
    {
      decoding: "full recompute (no cache)",
      ...rates(recomputed, tokens),
      "speedup (CPU)": 1,
      "speedup (wall)": 1,
    },
    {
      decoding: "KV cache (@xqg/querygen)",
      ...rates(cached, tokens),
      "speedup (CPU)": recomputed.cpuSeconds / cached.cpuSeconds,
      "speedup (wall)": recomputed.seconds / cached.seconds,
    },
  ];
  console.log(
    `\n### ${label}: KV cache vs full recompute (greedy, ${requests.length} prompts × 63 new tokens, EOS ignored; same tokens: ${same})\n`,
  );
  console.log(formatTable(rows));
}

async function tinyFixture(): Promise<void> {
  let dir: string;
  try {
    const { fixtureDir } = await import("@xqg/fixtures");
    dir = tinyDir ?? fixtureDir("tiny-mt5");
  } catch (error) {
    console.log(`\n(tiny-mt5 fixture unavailable: ${(error as Error).message})`);
    return;
  }
  const files = await ensureModel(dir, { task: "seq2seq" });
  const config = await loadModelConfig(dir);
  const tokenizer = await loadTokenizer(dir);
  // One intra-op thread: on a small shared machine ORT's spinning thread pool measures the neighbours.
  const session = { threads: 1 };
  const model = await OnnxSeq2Seq.open(files, config, { session });
  const requests = PROMPTS.map((text, i) => ({ ids: tokenizer.encode(text).ids, key: [String(i)] }));
  await decodeBatch(model, requests, SETTINGS); // warm-up
  await cacheVersusRecompute(model, requests, 9, "tiny-mt5, 1 intra-op thread");

  const eosIds = [tokenizer.eosId ?? 1];
  const mine = await best(15, () => decodeBatch(model, requests, { ...SETTINGS, eosIds }));
  const theirs = await transformersJsGreedyIsolated({
    dir,
    inputIds: requests.map((r) => r.ids),
    maxLength: 64,
    runs: 15,
    threads: 1,
  });
  if (theirs.error !== undefined) {
    console.log(`\n(transformers.js unavailable: ${theirs.error})`);
  } else {
    const mineTokens = countTokens(mine.result);
    const identical =
      JSON.stringify(mine.result.map((s) => s[0]!.tokens)) === JSON.stringify(theirs.sequences);
    const rows: Row[] = [
      {
        implementation: "transformers.js 4.3.1 generate (ORT 1.30)",
        ...rates(theirs, theirs.tokens),
        speedup: 1,
      },
      {
        implementation: "@xqg/querygen decodeBatch (ORT 1.23.2)",
        ...rates(mine, mineTokens),
        speedup: mineTokens / mine.cpuSeconds / (theirs.tokens / theirs.cpuSeconds),
      },
    ];
    console.log(
      `\n### tiny-mt5: vs transformers.js (greedy, batch of ${requests.length}, max_length 64, stops at EOS, 1 intra-op thread, best of 15; identical tokens: ${identical})\n`,
    );
    console.log(formatTable(rows));
  }

  const generator = await createGenerator(dir, { session });
  const passages = Array.from({ length: 4 }, (_, i) => ({ docid: `d${i}`, ...PASSAGES[i % 2]! }));
  const policies = ["drop", "pad"] as const;
  const timings = new Map<string, Timing<unknown>>();
  // Interleaved rounds, best of each, so that a burst of load on the machine hits both alike.
  for (let round = 0; round < 8; round++) {
    for (const finished of policies) {
      const run = await best(1, async () => {
        for await (const _ of generator.generate(passages, { finished, batchSize: 7, seed: 1 })) {
          // drain
        }
      });
      const previous = timings.get(finished);
      timings.set(finished, {
        seconds: Math.min(run.seconds, previous?.seconds ?? Number.POSITIVE_INFINITY),
        cpuSeconds: Math.min(run.cpuSeconds, previous?.cpuSeconds ?? Number.POSITIVE_INFINITY),
        result: undefined,
      });
    }
  }
  const drop = timings.get("drop")!;
  console.log(
    "\n### tiny-mt5: finished sequences dropped from the batch vs padded (sampling, 4 passages × 7 languages × 5, best of 8 interleaved)\n",
  );
  console.log(
    formatTable(
      policies.map((finished) => {
        const t = timings.get(finished)!;
        return {
          finished,
          "wall s": t.seconds,
          "CPU s": t.cpuSeconds,
          "CPU vs drop": t.cpuSeconds / drop.cpuSeconds,
        };
      }),
    ),
  );
  await generator.close();
  await model.close();
}

/** Per-step wall time of the decoding loop's parts: ORT decoder runs, cache gathers, the JS sampler. */
function timed<C>(inner: StepModel<C>) {
  const t = { start: 0, next: 0, select: 0 };
  const model: StepModel<C> = {
    start: async (prompts, request) => {
      const s = performance.now();
      const out = await inner.start(prompts, request);
      t.start += performance.now() - s;
      return out;
    },
    next: async (cache, tokens, request) => {
      const s = performance.now();
      const out = await inner.next(cache, tokens, request);
      t.next += performance.now() - s;
      return out;
    },
    select: (cache, rows) => {
      const s = performance.now();
      const out = inner.select(cache, rows);
      t.select += performance.now() - s;
      return out;
    },
  };
  return { model, t };
}

/** Node time inside the decoder from ORT's profiler: the lm_head MatMul vs everything else. */
async function profileDecoder(
  dir: string,
  config: Awaited<ReturnType<typeof loadModelConfig>>,
  requests: PromptRequest[],
) {
  const prefix = join(CACHE_DIR, "ort-profile");
  const session = await ort.InferenceSession.create(join(dir, "decoder_model_merged.onnx"), {
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const encoder = await ort.InferenceSession.create(join(dir, "encoder_model.onnx"));
  const model = OnnxSeq2Seq.fromSessions({ encoder, decoderMerged: session }, config);
  await decodeBatch(model, requests, {
    ...SETTINGS,
    strategy: "sample",
    numReturn: 5,
    eosIds: [],
    maxLength: 16,
  });
  session.endProfiling();
  // ORT names the file `<prefix>_<timestamp>.json`.
  const file = (await readdir(CACHE_DIR))
    .filter((f) => f.startsWith("ort-profile") && f.endsWith(".json"))
    .map((f) => join(CACHE_DIR, f))[0];
  if (!file) throw new Error(`ORT wrote no profile under ${CACHE_DIR}`);
  const events = JSON.parse(await readFile(file, "utf8")) as Array<{
    cat: string;
    name: string;
    dur: number;
    args?: { op_name?: string };
  }>;
  await rm(file);
  await session.release();
  await encoder.release();
  const inBranch = events.filter(
    (e) => e.cat === "Node" && e.name.endsWith("_kernel_time") && e.name.startsWith("cache/"),
  );
  const sum = (f: (e: (typeof inBranch)[number]) => boolean) =>
    inBranch.filter(f).reduce((s, e) => s + e.dur, 0);
  const lmHead = sum((e) => e.name.includes("lm_head"));
  const matmul = sum((e) => !e.name.includes("lm_head") && e.args?.op_name === "MatMul");
  const total = sum(() => true);
  return { lmHead: lmHead / total, layerMatMuls: matmul / total, other: (total - lmHead - matmul) / total };
}

/**
 * The token choice in JavaScript (every row's 250,112 logits copied out at every step) against the choice in
 * the decoder graph (TopK inside ONNX Runtime, k candidates per row copied out), same model, same seeds.
 */
/**
 * The JavaScript work of choosing one step's tokens for `liveRows` rows, on its own (best of 5): from the
 * vocabulary's logits (JS path) or from the graph's candidates, as decodeBatch does it.
 */
async function isolatedChoice(
  model: OnnxSeq2Seq,
  requests: PromptRequest[],
  s: DecodeSettings,
  liveRows: number,
): Promise<number> {
  const sampling = s.strategy === "sample";
  const out = await model.start(
    requests.map((r) => r.ids),
    { k: sampling ? s.sampling.topK + 1 : 1 },
  );
  const prompts = requests.length;
  const timing = await best(5, async () => {
    const rng = createRng(1, "choice");
    for (let r = 0; r < liveRows; r++) {
      const row = r % prompts;
      if (out.top) {
        const from = row * out.top.k;
        if (sampling) {
          const { topK } = s.sampling;
          sampleCandidate(
            warpTop(
              out.top.values.subarray(from, from + topK),
              out.top.indices.subarray(from, from + topK),
              s.sampling,
            ),
            rng.nextFloat(),
          );
        } else void out.top.indices[from];
      } else {
        const logits = out.logits.subarray(row * out.vocabSize, (row + 1) * out.vocabSize);
        if (sampling) sampleCandidate(warpLogits(logits, s.sampling), rng.nextFloat());
        else argmax(logits);
      }
    }
  });
  return timing.seconds * 1000;
}

async function selectionJsVersusGraph(
  config: Awaited<ReturnType<typeof loadModelConfig>>,
  graphs: { encoder: string; decoderMerged: string },
  batch: PromptRequest[],
  greedyBatch: PromptRequest[],
) {
  // `selection threads=1`: one intra-op thread, timed in CPU seconds too (steadier on a shared machine).
  const threads = Number(process.argv.find((a) => a.startsWith("threads="))?.slice(8) ?? 0);
  const settings = {
    sample: { ...SETTINGS, strategy: "sample" as const, numReturn: 5, eosIds: [] },
    greedy: { ...SETTINGS, eosIds: [] },
  };
  const rows = new Map<string, Row>();
  const results = new Map<string, unknown>();
  const choice = new Map<string, number>();
  // Two interleaved rounds (the 2 cores are shared): each configuration keeps its fastest run.
  for (let round = 0; round < 2; round++)
    for (const strategy of ["sample", "greedy"] as const) {
      for (const selection of ["js", "graph"] as const) {
        const model = await OnnxSeq2Seq.open(graphs, config, { selection, session: { threads } });
        const s = settings[strategy];
        const requests = strategy === "greedy" ? greedyBatch : batch;
        await decodeBatch(model, requests.slice(0, 1), { ...s, maxLength: 4 }); // warm-up
        const { model: probe, t } = timed(model);
        const before = { ...model.stats };
        const cpu = process.cpuUsage();
        const started = performance.now();
        const out = await decodeBatch(probe, requests, s);
        const wall = performance.now() - started;
        const used = process.cpuUsage(cpu);
        const steps = s.maxLength - 1;
        const tokens = countTokens(out);
        const rowSteps = model.stats.decoderPositions - before.decoderPositions;
        const tokensPerCpuSecond = tokens / ((used.user + used.system) / 1e6);
        const liveRows = requests.length * (strategy === "sample" ? 5 : 1);
        const after = { ...model.stats };
        results.set(`${strategy}/${selection}`, out);
        const key = `${strategy}/${selection}`;
        if (round === 0) choice.set(key, await isolatedChoice(model, requests, s, liveRows));
        const previous = rows.get(key);
        if (previous && (previous["wall s"] as number) <= wall / 1000) {
          await model.close();
          continue;
        }
        rows.set(key, {
          decoding: `${strategy === "sample" ? "sampling top-k 50" : "greedy"}, ${liveRows} rows`,
          selection,
          "scores → JS, bytes/step": ((after.scoreBytes - before.scoreBytes) / rowSteps) * liveRows,
          "KV cache → JS, bytes/step": ((after.cacheBytes - before.cacheBytes) / rowSteps) * liveRows,
          "decoder ms/step (ORT)": (t.start + t.next) / steps,
          "JS ms/step": (wall - t.start - t.next - t.select) / steps,
          "choice ms/step (isolated)": choice.get(key)!,
          "wall s": wall / 1000,
          "CPU s": (used.user + used.system) / 1e6,
          "tokens/s": tokens / (wall / 1000),
          "tokens/CPU s": tokensPerCpuSecond,
        });
        await model.close();
      }
    }
  const same = (strategy: string) =>
    JSON.stringify(results.get(`${strategy}/js`)) === JSON.stringify(results.get(`${strategy}/graph`));
  console.log(
    `\n### mT5-small-shaped: token choice in JavaScript vs in the decoder graph (${batch.length} prompts × 160 tokens, 63 steps, EOS ignored, ${threads === 0 ? "ORT default threads" : `${threads} intra-op thread(s)`}, best of 2 interleaved; identical tokens: sampling ${same("sample")}, greedy ${same("greedy")})\n`,
  );
  console.log(formatTable([...rows.values()]));
}

async function mt5Shaped(): Promise<void> {
  const dir = mt5SmallShaped();
  const config = await loadModelConfig(dir);
  const graphs = {
    encoder: join(dir, "encoder_model.onnx"),
    decoderMerged: join(dir, "decoder_model_merged.onnx"),
  };
  // The JS path: this section measures the logits' trip to JavaScript (selectionJsVersusGraph compares both).
  const model = await OnnxSeq2Seq.open(graphs, config, { selection: "js" });
  const rng = createRng(0, "bench-prompts");
  const prompt = (n: number) => [...Array.from({ length: n - 1 }, () => 2 + (rng.nextUint32() % 250_000)), 1];
  // Passage prompts of xQG are ~100 words: about 160 SentencePiece tokens with the instruction.
  const requests = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ ids: prompt(160), key: [String(i)] }));

  if (process.argv.includes("precision")) {
    await model.close();
    await precisionSection(dir, config, requests(8));
    return;
  }
  if (process.argv.includes("selection")) {
    await model.close();
    await selectionJsVersusGraph(config, graphs, requests(8), requests(40));
    return;
  }
  await cacheVersusRecompute(model, requests(2), 1, "mT5-small-shaped (random weights)");

  const batch = requests(8);
  const sampling = { ...SETTINGS, strategy: "sample" as const, numReturn: 5, eosIds: [] };
  await decodeBatch(model, batch.slice(0, 1), { ...sampling, maxLength: 4 }); // warm-up
  const { model: probe, t } = timed(model);
  const started = performance.now();
  const out = await decodeBatch(probe, batch, sampling);
  const wall = performance.now() - started;
  const tokens = countTokens(out);
  const logits = (await model.start(batch.slice(0, 1).map((r) => r.ids))).logits;
  const sampler = await best(3, async () => {
    const r = createRng(1, "x");
    for (let i = 0; i < 40; i++) sampleCandidate(warpLogits(logits, sampling.sampling), r.nextFloat());
  });
  const greedyPick = await best(3, async () => {
    for (let i = 0; i < 40; i++) argmax(logits);
  });
  const naive = await best(1, async () => {
    for (let i = 0; i < 4; i++) Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]!);
  });
  const steps = sampling.maxLength - 1;
  const ms = (x: number) => x / steps;
  const js = wall - t.start - t.next - t.select;
  const share = await profileDecoder(dir, config, batch);
  const decoderMs = t.start + t.next;
  const rows: Row[] = [
    {
      part: "encoder + first decoder step (once per prompt)",
      "ms/step": ms(t.start),
      share: `${((100 * t.start) / wall).toFixed(1)}%`,
    },
    {
      part: "decoder steps with KV cache (ORT)",
      "ms/step": ms(t.next),
      share: `${((100 * t.next) / wall).toFixed(1)}%`,
    },
    {
      part: "  of which lm_head MatMul (ORT profile)",
      "ms/step": ms(t.next * share.lmHead),
      share: `${((100 * t.next * share.lmHead) / wall).toFixed(1)}%`,
    },
    {
      part: "  of which decoder-layer MatMuls",
      "ms/step": ms(t.next * share.layerMatMuls),
      share: `${((100 * t.next * share.layerMatMuls) / wall).toFixed(1)}%`,
    },
    {
      part: "  of which other ops",
      "ms/step": ms(t.next * share.other),
      share: `${((100 * t.next * share.other) / wall).toFixed(1)}%`,
    },
    {
      part: "cache gather (expand / drop rows)",
      "ms/step": ms(t.select),
      share: `${((100 * t.select) / wall).toFixed(1)}%`,
    },
    {
      part: "top-k 50 + sampling over 250,112 logits (JS)",
      "ms/step": ms(js),
      share: `${((100 * js) / wall).toFixed(1)}%`,
    },
  ];
  console.log(
    `\n### mT5-small-shaped: where decoding time goes (sampling, 8 prompts × 5 samples = 40 rows, 160-token prompts, 63 steps; ${(tokens / (wall / 1000)).toFixed(1)} tokens/s, decoder ${((100 * decoderMs) / wall).toFixed(1)}% of wall)\n`,
  );
  console.log(formatTable(rows));
  const perRow: Row[] = [
    { "per row of 250,112 logits": "full sort (naive top-k)", ms: naive.seconds * 250 },
    { "per row of 250,112 logits": "top-k 50 heap + softmax + draw", ms: sampler.seconds * 25 },
    { "per row of 250,112 logits": "argmax (greedy)", ms: greedyPick.seconds * 25 },
  ];
  console.log("\n### mT5-small-shaped: choosing the next token\n");
  console.log(formatTable(perRow));
  await finishedPolicies(model, batch);
  await model.close();
}

/**
 * Drop vs pad where sequences end at different lengths. Random weights never pick the real EOS, so 6% of
 * the vocabulary (15,000 ids) stands in for it: lengths are then geometric with mean ≈ 16 tokens, close to
 * real generated questions, and capped at 63.
 */
async function finishedPolicies(model: OnnxSeq2Seq, batch: PromptRequest[]) {
  const eosIds = Array.from({ length: 15_000 }, (_, i) => i + 2);
  const timings = new Map<string, Timing<{ tokens: number[] }[][]>>();
  for (let round = 0; round < 2; round++) {
    for (const finished of ["drop", "pad"] as const) {
      const settings = decodeSettings({ perLanguage: 5, seed: round, finished }, { eosIds, padId: 0 });
      const run = await best(1, () => decodeBatch(model, batch, settings));
      const previous = timings.get(finished);
      if (!previous || run.seconds < previous.seconds) timings.set(finished, run);
    }
  }
  const drop = timings.get("drop")!;
  const lengths = drop.result.flat().map((s) => s.tokens.length);
  console.log(
    `\n### mT5-small-shaped: finished sequences dropped vs padded (sampling, 40 rows, mean length ${(lengths.reduce((a, b) => a + b, 0) / lengths.length).toFixed(1)}, longest ${Math.max(...lengths)}; best of 2 interleaved)\n`,
  );
  console.log(
    formatTable(
      [...timings].map(([finished, t]) => ({
        finished,
        "wall s": t.seconds,
        "CPU s": t.cpuSeconds,
        "wall vs drop": t.seconds / drop.seconds,
      })),
    ),
  );
}

console.log(
  `@xqg/querygen benchmarks — node ${process.version}, onnxruntime-node 1.23.2 on CPU; tiny-mt5 at 1 intra-op thread, mT5-small-shaped at ORT default threads`,
);
if (which === "all" || which === "tiny") await tinyFixture();
if (which === "all" || which === "mt5") await mt5Shaped();
