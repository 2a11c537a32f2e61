import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Deterministic 32-bit PRNG (mulberry32), so every run benchmarks the same bytes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyzéüñçøåäöß";

/**
 * Writes `count` Wikipedia-like passages as JSONL (about 600 bytes each: a 1–4 word title and an 80-word
 * text over a 5,000-word vocabulary with some non-ASCII letters). Reuses the file when it already exists.
 */
export async function generateCorpus(path: string, count: number): Promise<number> {
  const existing = await stat(path).catch(() => undefined);
  if (existing) return existing.size;
  await mkdir(dirname(path), { recursive: true });
  const next = random(42);
  const vocabulary = Array.from({ length: 5000 }, () => {
    const length = 2 + Math.floor(next() * 9);
    return Array.from(
      { length },
      () => LETTERS[Math.floor(next() * (next() < 0.95 ? 26 : LETTERS.length))],
    ).join("");
  });
  const words = (n: number) =>
    Array.from({ length: n }, () => vocabulary[Math.floor(next() * vocabulary.length)]).join(" ");
  const temp = `${path}.partial`;
  const out = createWriteStream(temp);
  let buffer = "";
  for (let i = 0; i < count; i++) {
    const title = words(1 + Math.floor(next() * 4));
    buffer += `${JSON.stringify({ docid: String(i + 1), title, text: `${title} ${words(78)}.` })}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
  await rename(temp, path);
  return (await stat(path)).size;
}
