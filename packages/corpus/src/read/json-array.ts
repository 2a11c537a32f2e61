import { JsonArrayScanner } from "@xqg/core";
import { corpusError } from "../errors.js";
import type { LineBatch } from "./lines.js";
import { textChunks } from "./lines.js";

/**
 * The elements of a top-level JSON array of objects, one unit each, without holding the whole file:
 * @xqg/core's scanner tracks strings and nesting, cuts out each element's text and passes it on with its
 * first line.
 */
export async function* jsonArrayUnits(path: string): AsyncGenerator<LineBatch> {
  const scanner = new JsonArrayScanner(path, corpusError);
  for await (const text of textChunks(path, () => scanner.line - 1)) {
    const { units, lines } = scanner.push(text);
    if (units.length > 0) yield { lines: units, first: lines[0]!, unterminated: false, numbers: lines };
  }
  scanner.end();
}
