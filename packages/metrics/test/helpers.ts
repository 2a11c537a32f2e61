import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedDataDir, sharedSkipReason } from "@xqg/test-utils";

export const nltkSkip = sharedSkipReason("nltk");
if (nltkSkip) console.warn(nltkSkip);

/** The shared NLTK folder; a path that does not exist where ../shared is absent (those tests are skipped). */
export function nltkDir(): string {
  return join(sharedDataDir() ?? "/nonexistent/shared/data", "nltk");
}

export function punktDir(): string {
  return join(nltkDir(), "punkt_tab", "english");
}

export function readJsonl<T>(file: string): T[] {
  return readFileSync(join(nltkDir(), file), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as T);
}

/** An evaluation's per-query values: measure → query id → value (in the evaluation's query order). */
export function valuesOf(evaluation: {
  measures: readonly string[];
  perQuery: ReadonlyArray<{ id: string; values: Readonly<Record<string, number>> }>;
}): Map<string, Map<string, number>> {
  return new Map(
    evaluation.measures.map((m) => [
      m,
      new Map(
        evaluation.perQuery.flatMap((q) => (q.values[m] === undefined ? [] : [[q.id, q.values[m]] as const])),
      ),
    ]),
  );
}
