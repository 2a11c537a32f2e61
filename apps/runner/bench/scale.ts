// Memory that must not grow with the corpus: every stage of the pipeline, each in a process of its own, on a
// 5k- and a 50k-passage corpus (the tiny fixture models; pre-generated queries, 2 per passage), with each
// stage's peak RSS side by side. Anchor: the same stage at a tenth of the size. A stage whose peak grows ~10×
// holds the corpus; one that stays flat streams it.
//   pnpm --filter xqg bench:scale          (SCALE_SIZES=5000,50000; SCALE_HEAP_MIB=64 caps each stage's V8 heap)
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatTable, runIsolated } from "@xqg/bench-utils";

const root = resolve(import.meta.dirname, "../../..");
const quickstart = join(root, "examples", "quickstart");
const encoder = join(root, "tooling", "fixtures", "tiny-bert");
const child = join(import.meta.dirname, "stage-child.ts");
const sizes = (process.env["SCALE_SIZES"] ?? "5000,50000").split(",").map(Number);
// e.g. SCALE_HEAP_MIB=64: every stage runs with V8's heap capped, so one that held the corpus would fail;
// peak RSS without a cap also counts garbage V8 has not collected yet
const heapCap = process.env["SCALE_HEAP_MIB"]
  ? [`--max-old-space-size=${process.env["SCALE_HEAP_MIB"]}`]
  : [];

interface Passage {
  docid: string;
  title: string;
  text: string;
}

/** A corpus of `n` passages made from the quickstart's (each with a new id and a numbered sentence). */
async function makeInputs(dir: string, n: number) {
  const base = (await readFile(join(quickstart, "corpus.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Passage);
  const dev = (await readFile(join(quickstart, "dev.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { question: string });
  const corpus: string[] = [];
  const generated: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = base[i % base.length]!;
    const docid = `p${i}`;
    corpus.push(JSON.stringify({ docid, title: p.title, text: `${p.text} Record ${i}.` }));
    const q = (k: number) => dev[(i * 2 + k) % dev.length]!.question;
    generated.push(JSON.stringify({ docid, queries: { ja: [q(0)], te: [q(1)] } }));
  }
  await writeFile(join(dir, "corpus.jsonl"), `${corpus.join("\n")}\n`);
  await writeFile(join(dir, "generated.jsonl"), `${generated.join("\n")}\n`);
}

const stages = (dir: string): Array<[string, string[]]> => [
  [
    "encode passages",
    [
      "encode",
      "--corpus",
      `${dir}/corpus.jsonl`,
      "--encoder",
      encoder,
      "--out",
      `${dir}/P.npy`,
      "--passage-max-length",
      "64",
      "--threads",
      "1",
    ],
  ],
  [
    "encode generated (Σq)",
    [
      "encode",
      "--generated",
      `${dir}/generated.jsonl`,
      "--encoder",
      encoder,
      "--out",
      `${dir}/S.npy`,
      "--threads",
      "1",
    ],
  ],
  [
    "encode queries",
    [
      "encode",
      "--queries",
      join(quickstart, "dev.jsonl"),
      "--encoder",
      encoder,
      "--out",
      `${dir}/Q.npy`,
      "--threads",
      "1",
    ],
  ],
  [
    "fuse (α = 0.01)",
    [
      "fuse",
      "--passages",
      `${dir}/P.npy`,
      "--sums",
      `${dir}/S.npy`,
      "--out",
      `${dir}/fused`,
      "--alphas",
      "0.01",
    ],
  ],
  [
    "search (exact)",
    [
      "search",
      "--embeddings",
      `${dir}/fused/alpha-0.01.npy`,
      "--queries",
      `${dir}/Q.npy`,
      "--out",
      `${dir}/run.trec`,
      "--threads",
      "1",
    ],
  ],
  [
    "evaluate (R@2kt, R@5kt)",
    [
      "evaluate",
      "--run",
      `${dir}/run.trec`,
      "--queries",
      join(quickstart, "dev.jsonl"),
      "--corpus",
      `${dir}/corpus.jsonl`,
      "--out",
      `${dir}/eval.json`,
      "--tokenizer",
      "treebank",
    ],
  ],
];

const rows: Record<string, Record<string, string | number>> = {};
for (const n of sizes) {
  const dir = await mkdtemp(join(tmpdir(), `xqg-scale-${n}-`));
  try {
    await makeInputs(dir, n);
    for (const [name, argv] of stages(dir)) {
      const result = await runIsolated<{ code: number }>(child, argv, ["--import", "tsx", ...heapCap]);
      rows[name] ??= { stage: name };
      rows[name]![`${n} passages: peak RSS MiB`] = Number(result.peakRssMiB.toFixed(0));
      rows[name]![`${n}: s`] = Number(result.seconds.toFixed(1));
      process.stderr.write(
        `${n} ${name}: ${result.peakRssMiB.toFixed(0)} MiB, ${result.seconds.toFixed(1)} s\n`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const [small, large] = sizes;
console.log(
  formatTable(
    Object.values(rows).map((r) => ({
      ...r,
      [`peak RSS ${large}/${small}`]: Number(
        (
          (r[`${large} passages: peak RSS MiB`] as number) / (r[`${small} passages: peak RSS MiB`] as number)
        ).toFixed(2),
      ),
    })),
  ),
);
