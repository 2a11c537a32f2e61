import { readFile } from "node:fs/promises";
import { writeTextAtomic } from "@xqg/core";
import { AnnError } from "./errors.js";
import type { RankedRows } from "./exact-rows.js";

/**
 * Saves the ranked rows of one row range (`exactSearch` with `rows`) to `path`, for `mergeRankedRows` to join
 * later, elsewhere: one JSON line per query, `{"rows": [...], "scores": [...]}`, each score written as the
 * shortest number that reads back as the same float32 (so a merge is exact). Temp file, then rename.
 */
export async function saveRankedRows(path: string, found: readonly RankedRows[]): Promise<void> {
  await writeTextAtomic(
    path,
    found.map((r) => `${JSON.stringify({ rows: r.rows, scores: Array.from(r.scores) })}\n`),
  );
}

/**
 * Reads what `saveRankedRows` wrote. With `queries`, a file with another number of lines is refused (a range
 * searched with other queries). A line that is not a ranked list is refused naming the file and line.
 */
export async function loadRankedRows(
  path: string,
  options: { readonly queries?: number } = {},
): Promise<RankedRows[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new AnnError(`${path}: cannot read the ranked rows (${(error as Error).message})`, {
      code: "missing-file",
      file: path,
      cause: error,
    });
  }
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (options.queries !== undefined && lines.length !== options.queries)
    throw new AnnError(`${path}: ${lines.length} lines, but there are ${options.queries} queries`, {
      code: "count-mismatch",
      file: path,
    });
  return lines.map((line, i) => {
    const where = `${path}:${i + 1}`;
    let parsed: { rows?: unknown; scores?: unknown } | null;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new AnnError(`${where}: not JSON (${(error as Error).message})`, {
        code: "bad-ranked-rows",
        file: path,
        cause: error,
      });
    }
    const { rows, scores } = parsed ?? {};
    const isRows = Array.isArray(rows) && rows.every((r) => Number.isSafeInteger(r) && r >= 0);
    if (!isRows || !Array.isArray(scores) || rows.length !== scores.length || !scores.every(Number.isFinite))
      throw new AnnError(
        `${where}: expected {"rows": [...], "scores": [...]}: row numbers and finite scores, as many of each`,
        { code: "bad-ranked-rows", file: path },
      );
    return { rows: rows as number[], scores: Float32Array.from(scores as number[]) };
  });
}
