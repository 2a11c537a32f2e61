import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { mulberry32 } from "@xqg/test-utils";

const LETTERS = "abcdefghijklmnopqrstuvwxyzéüñçøåäöß";

/**
 * Writes `count` Wikipedia-like passages as JSONL (about 600 bytes each: a 1–4 word title and an 80-word
 * text over a 5,000-word vocabulary with some non-ASCII letters). Reuses the file when it already exists.
 */
export async function generateCorpus(path: string, count: number): Promise<number> {
  const existing = await stat(path).catch(() => undefined);
  if (existing) return existing.size;
  await mkdir(dirname(path), { recursive: true });
  const next = mulberry32(42);
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
