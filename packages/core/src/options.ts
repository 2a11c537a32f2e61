import { XqgError } from "./errors.js";

/**
 * Checks an options object from a caller who may not have TypeScript's help: every key must be one of
 * `known`, else an `XqgError` with code `"unknown-option"` names the key, the call, and the nearest known
 * name. `undefined` options pass. Returns the options unchanged.
 */
export function checkOptions<T>(options: T, known: readonly string[], call: string): T {
  if (options === undefined || options === null) return options;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new XqgError(`${call}: options must be an object, got ${describe(options)}`, {
      code: "invalid-option",
    });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known);
    throw new XqgError(
      `${call}: unknown option "${key}"${near ? ` (did you mean "${near}"?)` : ""}; known: ${known.join(", ")}`,
      { code: "unknown-option", field: key },
    );
  }
  return options;
}

/** What a checked field must be. */
export type FieldKind = "string" | "number" | "boolean" | "object" | "array";

/**
 * Checks the first record of an iterable a caller passes (not every row: that would cost a pass): each
 * required field must be present with the given kind, else an `XqgError` with code `"invalid-record"` names
 * the field, what it must be, and what was found.
 */
export function checkRecord(
  record: unknown,
  fields: Readonly<Record<string, FieldKind>>,
  what: string,
): void {
  if (record === null || typeof record !== "object") {
    throw new XqgError(`${what}: each record must be an object, got ${describe(record)}`, {
      code: "invalid-record",
    });
  }
  const fieldNames = Object.keys(record);
  for (const [field, kind] of Object.entries(fields)) {
    const value = (record as Record<string, unknown>)[field];
    if (kindOf(value) === kind) continue;
    const found =
      value === undefined ? `none (the record has ${fieldNames.join(", ") || "no fields"})` : describe(value);
    throw new XqgError(`${what}: field "${field}" must be a ${kind}; found ${found}`, {
      code: "invalid-record",
      field,
    });
  }
}

/**
 * The candidate closest to `name` by edit distance (case-insensitive), if it is close enough to be a likely
 * typo (at most a third of the longer name's length, and at least one edit allowed); else undefined.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(name.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (`dpeth` → `depth`), as typos go. */
function editDistance(a: string, b: string): number {
  // rows i − 2, i − 1 and i of the optimal-string-alignment table
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

function kindOf(value: unknown): FieldKind | "other" {
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  if (t === "number") return Number.isFinite(value) ? "number" : "other";
  if (t === "string" || t === "boolean") return t;
  if (t === "object" && value !== null) return "object";
  return "other";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `a ${typeof value}`;
}
