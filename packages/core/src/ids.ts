import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { type SinkOptions, writeTextAtomic } from "./atomic.js";
import { XqgError } from "./errors.js";

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
        throw new XqgError(reason, { file: path, line: count, field: "id", code: "bad-value" });
      }
      yield `${id}\n`;
    }
  }
  await writeTextAtomic(path, lines(), { gzip: false, ...options });
  return { ids: count };
}

/** Reads an ids sidecar whole (tolerates a BOM, CRLF and a missing final newline). */
export async function readIds(path: string): Promise<string[]> {
  const splitter = new IdSplitter(path);
  const ids = splitter.push(await readFile(path, "utf8"));
  for (const id of splitter.end()) ids.push(id);
  return ids;
}

/**
 * Streams an ids sidecar id by id, for files too large to hold (same rules as {@link readIds}). Stops reading
 * the file when the consumer stops.
 */
export async function* streamIds(path: string): AsyncGenerator<string> {
  const splitter = new IdSplitter(path);
  for await (const text of createReadStream(path, { encoding: "utf8" }) as AsyncIterable<string>)
    yield* splitter.push(text);
  yield* splitter.end();
}

/** Cuts sidecar text, given in pieces, into ids: "\n" or "\r\n", a leading BOM dropped, empty lines refused. */
class IdSplitter {
  #rest = "";
  #line = 0;
  #first = true;

  constructor(readonly path: string) {}

  push(text: string): string[] {
    if (this.#first && text.length > 0) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const lines = (this.#rest + text).split("\n");
    this.#rest = lines.pop()!;
    return lines.map((line) => this.#id(line));
  }

  /** The last id when the file has no final newline. */
  end(): string[] {
    const rest = this.#rest;
    this.#rest = "";
    return rest.length === 0 ? [] : [this.#id(rest)];
  }

  #id(line: string): string {
    this.#line++;
    const id = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (id.length === 0)
      throw new XqgError("empty id", { file: this.path, line: this.#line, field: "id", code: "bad-value" });
    return id;
  }
}
