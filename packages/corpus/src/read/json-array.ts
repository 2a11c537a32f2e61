import { CorpusError } from "../errors.js";
import type { LineBatch } from "./lines.js";
import { textChunks } from "./lines.js";

/**
 * The elements of a top-level JSON array of objects, one unit each, without holding the whole file: a
 * scanner tracks strings and nesting, cuts out each element's text and passes it on with its first line.
 */
export async function* jsonArrayUnits(path: string): AsyncGenerator<LineBatch> {
  let line = 1;
  let state: "before" | "inside" | "after" = "before";
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pending = "";
  let elementLine = 0;
  let elements = 0;
  let expectValue = true;
  const fail = (reason: string, code: "invalid-json" | "truncated" = "invalid-json"): never => {
    throw new CorpusError(reason, { file: path, line, code });
  };
  for await (const text of textChunks(path, () => line - 1)) {
    const units: string[] = [];
    const numbers: number[] = [];
    let start = depth > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      if (depth > 0) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if ((c === 125 || c === 93) && --depth === 0) {
          units.push(pending + text.slice(start, i + 1));
          numbers.push(elementLine);
          pending = "";
          start = -1;
          elements++;
          expectValue = false;
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (state === "before") {
        if (c !== 91) fail("expected a JSON array [ ... ] of objects");
        state = "inside";
      } else if (state === "after") {
        fail("unexpected text after the closing ]");
      } else if (c === 93) {
        if (expectValue && elements > 0) fail("trailing ',' before ]");
        state = "after";
      } else if (c === 44) {
        if (expectValue) fail("unexpected ',' in array");
        expectValue = true;
      } else if (c === 123) {
        if (!expectValue) fail("expected ',' between array elements");
        depth = 1;
        start = i;
        elementLine = line;
      } else {
        fail(`array elements must be objects, found ${JSON.stringify(text[i])}`);
      }
    }
    if (depth > 0) pending += text.slice(start);
    if (units.length > 0) yield { lines: units, first: numbers[0]!, unterminated: false, numbers };
  }
  if (depth > 0) {
    line = elementLine;
    fail("truncated file: the last array element is not closed", "truncated");
  }
  if (state === "inside") fail("truncated file: the array is not closed with ]", "truncated");
}
