import { readFile } from "node:fs/promises";
import { CorpusError } from "./errors.js";
import { type SinkOptions, writeTextAtomic } from "./text-sink.js";

/** The ids sidecar of an embeddings file: `X.npy` → `X.ids` (any other name gets `.ids` appended). */
export function idsPath(npyPath: string): string {
  return npyPath.endsWith(".npy") ? `${npyPath.slice(0, -4)}.ids` : `${npyPath}.ids`;
}

/** Writes one id per line (UTF-8, "\n"), atomically, in the order given — the order of the .npy rows. */
export async function writeIds(
  path: string,
  ids: Iterable<string> | AsyncIterable<string>,
  options: SinkOptions = {},
): Promise<{ ids: number }> {
  let count = 0;
  async function* lines(): AsyncGenerator<string> {
    for await (const id of ids) {
      count++;
      if (typeof id !== "string" || id.length === 0 || /[\r\n]/.test(id)) {
        const reason = `id ${JSON.stringify(id)} must be a non-empty string without line breaks`;
        throw new CorpusError(reason, { file: path, line: count, field: "id", code: "bad-value" });
      }
      yield `${id}\n`;
    }
  }
  await writeTextAtomic(path, lines(), { gzip: false, ...options });
  return { ids: count };
}

/** Reads an ids sidecar (tolerates a BOM, CRLF and a missing final newline). */
export async function readIds(path: string): Promise<string[]> {
  let text = await readFile(path, "utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, i) => {
    const id = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (id.length === 0)
      throw new CorpusError("empty id", { file: path, line: i + 1, field: "id", code: "bad-value" });
    return id;
  });
}
