// R@2kt and R@5kt over 2,000 queries × depth 100 passages of ~100 words, against the naive way (the official
// script's loop: tokenize every ranked passage again for every query and every k). Passages are 100-word chunks
// of the English Debian descriptions in ../shared/data/nltk/rkt_vectors.jsonl; rankings draw them with a skewed
// distribution, so popular passages recur across queries as they do in real dense-retrieval runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatTable, measure } from "@xqg/bench-utils";
import type { Run } from "@xqg/core";
import { sharedDataDir } from "@xqg/test-utils";
import { createEvaluatorWith } from "../src/evaluator.js";
import { mulberry32 } from "../src/stats/tests.js";
import { createWordTokenizer } from "../src/tokenize/word-tokenize.js";
import { spanAnswers } from "../src/xor/rkt.js";

const QUERIES = 2000;
const DEPTH = 100;
const WORDS = 100;
const LANGS = ["ar", "bn", "fi", "ja", "ko", "ru", "te"];

const shared = sharedDataDir();
if (!shared) {
  console.log(
    "SKIPPED: ../shared/data not found (set XQG_SHARED_DIR); the benchmark reads its passages there",
  );
  process.exit(0);
}
const nltk = join(shared, "nltk");
const tokenize = createWordTokenizer({ path: join(nltk, "punkt_tab", "english") });

const seen = new Set<string>();
const words: string[] = [];
for (const line of readFileSync(join(nltk, "rkt_vectors.jsonl"), "utf8").split("\n")) {
  if (line === "") continue;
  for (const ctx of (JSON.parse(line) as { ctxs: string[] }).ctxs) {
    if (seen.has(ctx)) continue;
    seen.add(ctx);
    words.push(...ctx.split(/\s+/).filter((w) => w !== ""));
  }
}
const passages: string[] = [];
for (let i = 0; i + WORDS <= words.length; i += WORDS) passages.push(words.slice(i, i + WORDS).join(" "));

const rand = mulberry32(2023);
const uniform = () => rand() / 2 ** 32;
const answers: Array<{ id: string; lang: string; answers: string[] }> = [];
const ranking = new Map<string, string[]>();
for (let q = 0; q < QUERIES; q++) {
  const ids = new Set<number>();
  while (ids.size < DEPTH) ids.add(Math.floor(passages.length * uniform() ** 2));
  const docs = [...ids];
  // answer: 1–3 words from a passage at a random rank (found before or after the cut, or never)
  const source = passages[docs[Math.floor(uniform() * DEPTH)]!]!.split(" ");
  const at = Math.floor(uniform() * (source.length - 3));
  const answer = source.slice(at, at + 1 + Math.floor(uniform() * 3)).join(" ");
  answers.push({
    id: `q${q}`,
    lang: LANGS[q % LANGS.length]!,
    answers: uniform() < 0.03 ? ["yes"] : [answer],
  });
  ranking.set(
    `q${q}`,
    docs.map((d) => `d${d}`),
  );
}
const text = (docid: string) => passages[Number(docid.slice(1))];
/** A ranking as a Run: scores from rank (-rank), as an unscored ranking is. */
const asRun = (r: ReadonlyMap<string, readonly string[]>): Run =>
  new Map([...r].map(([q, docs]) => [q, new Map(docs.map((d, i) => [d, -(i + 1)]))]));
/** An evaluator of R@2kt and R@5kt (one token cache, kept across its evaluations); averages ×100. */
const evaluator = (passageText: (docid: string) => string | undefined) => {
  const ev = createEvaluatorWith({ queries: answers, passageText }, ["R@2kt", "R@5kt"], tokenize);
  return async (run: Run) => {
    const r = await ev.evaluate(run);
    return { "R@2kt": r.scores["R@2kt"]!["avg"]! * 100, "R@5kt": r.scores["R@5kt"]!["avg"]! * 100 };
  };
};
const run = asRun(ranking);

function naive(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [2, 5]) {
    const max = k * 1000;
    const perLang = new Map<string, { hits: number; count: number }>();
    for (const q of answers) {
      const span = spanAnswers(q.answers);
      if (span.length === 0) continue;
      let tokens: string[] = [];
      for (const d of ranking.get(q.id)!) {
        tokens = tokens.concat(tokenize(text(d)!));
        if (tokens.length >= max) break;
      }
      const joined = tokens.slice(0, max).join(" ");
      const s = perLang.get(q.lang) ?? { hits: 0, count: 0 };
      s.count++;
      if (span.some((a) => joined.includes(a))) s.hits++;
      perLang.set(q.lang, s);
    }
    const scores = [...perLang.values()].map((s) => (s.hits / s.count) * 100);
    out[`R@${k}kt`] = scores.reduce((a, b) => a + b, 0) / scores.length;
  }
  return out;
}

const cached = () => evaluator(text)(run);

/** Wall and CPU seconds of one call (CPU time shows the work when other jobs share the cores). */
async function timed<T>(fn: () => T | Promise<T>) {
  const cpu0 = process.cpuUsage();
  const m = await measure(fn);
  const cpu = process.cpuUsage(cpu0);
  return { ...m, cpu: (cpu.user + cpu.system) / 1e6 };
}

tokenize(passages[0]!); // load and JIT-warm the tokenizer outside the timings
const fast = await timed(cached);
const slow = await timed(naive);
for (const m of ["R@2kt", "R@5kt"] as const) {
  if (Math.abs(fast.result[m] - slow.result[m]!) > 1e-9)
    throw new Error(`results differ on ${m}: ${fast.result[m]} vs ${slow.result[m]}`);
}
// Worst case for the cache: every ranked passage distinct (a unique tag appended to each).
const distinctRanking = new Map([...ranking].map(([q, docs]) => [q, docs.map((d, r) => `${d}:${q}:${r}`)]));
const distinctText = (key: string) => {
  const [d, q, r] = key.split(":");
  return `${text(d!)} Tag ${q}x${r}.`;
};
const distinct = await timed(() => evaluator(distinctText)(asRun(distinctRanking)));
const reused = evaluator(text);
const cold = await timed(() => reused(run));
const warm = await timed(() => reused(run));
console.log(
  `${QUERIES} queries × depth ${DEPTH}, ${passages.length} distinct ~${WORDS}-word passages in the pool; R@2kt ${fast.result["R@2kt"].toFixed(2)}, R@5kt ${fast.result["R@5kt"].toFixed(2)}\n`,
);
console.log(
  formatTable([
    {
      implementation: "evaluate (token cache, both k in one pass)",
      "wall s": fast.seconds,
      "CPU s": fast.cpu,
      "vs naive": `${(slow.seconds / fast.seconds).toFixed(1)}× faster`,
    },
    {
      implementation: "evaluate again, fresh evaluator (JIT warm)",
      "wall s": cold.seconds,
      "CPU s": cold.cpu,
      "vs naive": "",
    },
    {
      implementation: "evaluate again, same evaluator (cache filled)",
      "wall s": warm.seconds,
      "CPU s": warm.cpu,
      "vs naive": "",
    },
    {
      implementation: "evaluate, every ranked passage distinct (no reuse)",
      "wall s": distinct.seconds,
      "CPU s": distinct.cpu,
      "vs naive": "",
    },
    {
      implementation: "naive (official loop: re-tokenize per query and per k)",
      "wall s": slow.seconds,
      "CPU s": slow.cpu,
      "vs naive": "1.0×",
    },
  ]),
);
