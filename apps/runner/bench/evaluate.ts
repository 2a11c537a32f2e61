// `xqg evaluate` of a 7M-line run (7,000 queries × 1,000 passages, seeded synthetic TREC run, with qrels): the
// figure the issue compares with trec_eval 10.0 (6.0 s on the development machine for the same files). Anchor:
// the naive way (readline, split each line, Maps, sort each query, score each measure over the ranking).
// XQG_BENCH_QUERIES / XQG_BENCH_DEPTH shrink it; XQG_BENCH_DIR keeps the generated files there.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import { formatTable, measure as wall } from "@xqg/bench-utils";
import { mulberry32 } from "@xqg/test-utils";
import { main } from "../src/cli/main.js";

const QUERIES = Number(process.env.XQG_BENCH_QUERIES ?? 7000);
const DEPTH = Number(process.env.XQG_BENCH_DEPTH ?? 1000);
const POOL = 2_000_000;
const METRICS = ["nDCG@10", "MRR@10", "R@100", "MAP"];

async function writeAll(path: string, lines: () => Generator<string>): Promise<void> {
  const out = createWriteStream(path);
  let chunk: string[] = [];
  for (const line of lines()) {
    chunk.push(line);
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join("\n")}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join("\n")}\n`);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** The synthetic run and qrels: each query ranks DEPTH distinct passages; 10 are judged, some of them ranked. */
async function generate(dir: string): Promise<{ run: string; qrels: string }> {
  const random = mulberry32(20261206);
  const run = join(dir, "run.trec");
  const qrels = join(dir, "qrels.txt");
  const judged: string[] = [];
  await writeAll(run, function* () {
    for (let q = 0; q < QUERIES; q++) {
      const seen = new Set<number>();
      let score = 100;
      for (let r = 1; r <= DEPTH; r++) {
        let d: number;
        do d = Math.floor(random() * POOL);
        while (seen.has(d));
        seen.add(d);
        score -= random() * 0.05;
        yield `q${q} Q0 d${d} ${r} ${score.toFixed(6)} bench`;
      }
      const ranked = [...seen];
      for (let j = 0; j < 10; j++) {
        const pick =
          random() < 0.6 ? ranked[Math.floor(random() ** 3 * ranked.length)]! : Math.floor(random() * POOL);
        judged.push(`q${q} 0 d${pick} ${Math.floor(random() * 3)}`);
      }
    }
  });
  // a docid judged twice for one query is refused (as trec_eval does): keep the first
  const unique = new Map<string, string>();
  for (const line of judged) {
    const [q, , d] = line.split(" ");
    if (!unique.has(`${q} ${d}`)) unique.set(`${q} ${d}`, line);
  }
  await writeAll(qrels, function* () {
    yield* unique.values();
  });
  return { run, qrels };
}

/** The naive evaluation: readline, split, Maps of Maps, sort each query by score, the measures one by one. */
async function naive(runFile: string, qrelsFile: string): Promise<Record<string, number>> {
  const run = new Map<string, Map<string, number>>();
  for await (const line of createInterface({ input: createReadStream(runFile) })) {
    const [qid, , docid, , score] = line.trim().split(/\s+/);
    let m = run.get(qid!);
    if (!m) {
      m = new Map();
      run.set(qid!, m);
    }
    m.set(docid!, Number(score));
  }
  const qrels = new Map<string, Map<string, number>>();
  for await (const line of createInterface({ input: createReadStream(qrelsFile) })) {
    const [qid, , docid, rel] = line.trim().split(/\s+/);
    let m = qrels.get(qid!);
    if (!m) {
      m = new Map();
      qrels.set(qid!, m);
    }
    m.set(docid!, Number(rel));
  }
  const sums: Record<string, number> = { "nDCG@10": 0, "MRR@10": 0, "R@100": 0, MAP: 0 };
  for (const [qid, judged] of qrels) {
    const ranking = [...(run.get(qid) ?? new Map<string, number>())]
      .sort(([a, x], [b, y]) => y - x || (a < b ? 1 : a > b ? -1 : 0))
      .map(([d]) => d);
    const rel = (d: string) => (judged.get(d) ?? 0) >= 1;
    const total = [...judged.values()].filter((g) => g >= 1).length;
    let dcg = 0;
    ranking.slice(0, 10).forEach((d, i) => {
      dcg += (judged.get(d) ?? 0) / Math.log2(i + 2);
    });
    const ideal = [...judged.values()].sort((a, b) => b - a).slice(0, 10);
    const idcg = ideal.reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
    sums["nDCG@10"]! += idcg === 0 ? 0 : dcg / idcg;
    const first = ranking.slice(0, 10).findIndex(rel);
    sums["MRR@10"]! += first < 0 ? 0 : 1 / (first + 1);
    sums["R@100"]! += total === 0 ? 0 : ranking.slice(0, 100).filter(rel).length / total;
    let hits = 0;
    let ap = 0;
    ranking.forEach((d, i) => {
      if (rel(d)) ap += ++hits / (i + 1);
    });
    sums.MAP! += total === 0 ? 0 : ap / total;
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / qrels.size]));
}

async function xqgEvaluate(run: string, qrels: string, out: string): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = "";
  let log = "";
  stdout.on("data", (c) => {
    text += c;
  });
  stderr.on("data", (c) => {
    log += c;
  });
  // --force: a manifest left by an earlier run of the bench (XQG_BENCH_DIR) would skip the work
  const args = [
    "evaluate",
    "--run",
    run,
    "--qrels",
    qrels,
    "--metrics",
    METRICS.join(","),
    "--out",
    out,
    "--force",
  ];
  const code = await main(args, { stdout, stderr });
  if (code !== 0) throw new Error(log);
  return text;
}

/** Wall and CPU seconds (user + system) of one call. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const timed = await wall(fn);
  const used = process.cpuUsage(cpu);
  return { ...timed, cpuSeconds: (used.user + used.system) / 1e6 };
}

const keep = process.env.XQG_BENCH_DIR;
const dir = keep ?? (await mkdtemp(join(tmpdir(), "xqg-bench-evaluate-")));
await mkdir(dir, { recursive: true });
try {
  const files = await generate(dir);
  const cold = await measure(() => xqgEvaluate(files.run, files.qrels, join(dir, "eval-1.json")));
  const warm = await measure(() => xqgEvaluate(files.run, files.qrels, join(dir, "eval-2.json")));
  const anchor = await measure(() => naive(files.run, files.qrels));
  console.log(cold.result);
  // the same scores as the naive loop (summed in another order: equal to 1e-12)
  const evaluation = JSON.parse(await readFile(join(dir, "eval-1.json"), "utf8")) as {
    scores: Record<string, { avg: number }>;
  };
  for (const m of METRICS) {
    const ours = evaluation.scores[m]!.avg;
    if (Math.abs(ours - anchor.result[m]!) > 1e-12)
      throw new Error(`${m}: xqg evaluate gives ${ours}, the naive loop ${anchor.result[m]}`);
  }
  console.log(
    `naive means: ${Object.entries(anchor.result)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(", ")}`,
  );
  const lines = `${QUERIES.toLocaleString("en")} queries × ${DEPTH.toLocaleString("en")}`;
  console.log(
    formatTable([
      {
        [`evaluate ${lines} (${METRICS.join(", ")})`]: "xqg evaluate (in-process)",
        "wall s": cold.seconds,
        "CPU s": cold.cpuSeconds,
        "vs naive": `${(anchor.seconds / cold.seconds).toFixed(2)}×`,
      },
      {
        [`evaluate ${lines} (${METRICS.join(", ")})`]: "xqg evaluate again (JIT warm)",
        "wall s": warm.seconds,
        "CPU s": warm.cpuSeconds,
        "vs naive": `${(anchor.seconds / warm.seconds).toFixed(2)}×`,
      },
      {
        [`evaluate ${lines} (${METRICS.join(", ")})`]: "naive (readline + split + sort per query)",
        "wall s": anchor.seconds,
        "CPU s": anchor.cpuSeconds,
        "vs naive": "1.0×",
      },
    ]),
  );
} finally {
  if (!keep) await rm(dir, { recursive: true, force: true });
}
