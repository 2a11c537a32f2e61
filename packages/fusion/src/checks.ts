import { checkOptions } from "@xqg/core";
import { isLanguageCode, LANGUAGES, type Lang } from "@xqg/corpus";
import { FusionError } from "./errors.js";

/** The seven languages' codes, in XOR-TyDi's order. */
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as Lang[];

/** A positive integer option (`dimensions`, `batchSize`), or a FusionError naming it. */
export function checkPositiveInteger(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new FusionError(`${field} must be a positive integer, got ${JSON.stringify(value)}`, {
      code: "invalid-option",
      field,
    });
  return value;
}

export function checkAlpha(alpha: unknown): number {
  if (typeof alpha !== "number" || !Number.isFinite(alpha))
    throw new FusionError(`alpha must be a finite number, got ${JSON.stringify(alpha)}`, {
      code: "invalid-option",
      field: "alpha",
    });
  return alpha;
}

export function rowsOf(what: string, data: unknown, dimensions: number): number {
  if (!(data instanceof Float32Array))
    throw new FusionError(`${what} must be a Float32Array (rows × ${dimensions}, row-major)`, {
      code: "invalid-option",
      field: what,
    });
  if (data.length % dimensions !== 0)
    throw new FusionError(`${what} has ${data.length} floats, not a multiple of dimensions ${dimensions}`, {
      code: "shape-mismatch",
      field: what,
    });
  return data.length / dimensions;
}

/** Position of the first NaN or ±Infinity in `data`, or -1 (`x - x` is 0 exactly for finite x). */
export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (x - x !== 0) return i;
  }
  return -1;
}

/**
 * Refuses a NaN or ±Infinity in `data` (rows `firstRow …` of a matrix `dimensions` wide), naming the file (or
 * array) it came from, the row and the column: an Inf row would rank first for every query after indexing. One
 * pass over the array.
 */
export function checkFinite(
  where: { file?: string; field?: string },
  data: Float32Array,
  dimensions: number,
  firstRow = 0,
  note: string | ((row: number) => string) = "",
): void {
  const i = firstNonFinite(data);
  if (i >= 0) {
    const x = data[i]!;
    const row = firstRow + Math.floor(i / dimensions);
    const source = where.file ?? where.field;
    throw new FusionError(
      `${source}: row ${row}, column ${i % dimensions}: ${x}${typeof note === "string" ? note : note(row)}; embeddings must be finite`,
      { ...where, code: "non-finite" },
    );
  }
}

/** A language code of the seven, or a FusionError naming the allowed ones (`field`: the option at fault). */
export function checkLang(lang: unknown, field: string): Lang {
  if (!isLanguageCode(lang, LANGUAGES))
    throw new FusionError(`unknown language ${JSON.stringify(lang)}; allowed: ${LANGUAGE_CODES.join(", ")}`, {
      code: "unknown-language",
      field,
    });
  return lang;
}

/** The `languages` option, each code checked, in canonical order (the order of every per-language file). */
export function checkLanguages(languages: readonly unknown[] | undefined): Lang[] {
  const checked = (languages ?? []).map((l) => checkLang(l, "languages"));
  return LANGUAGE_CODES.filter((l) => checked.includes(l));
}

/** Options of the earlier API, each with its new name: a caller who passes one is told the new name. */
const RENAMED: Readonly<Record<string, string>> = {
  dim: "dimensions",
  blockRows: "batchSize",
  chunk: "batchSize",
};

/** `checkOptions` of @xqg/core, after answering an earlier option name with "renamed to …". */
export function checkKeys<T>(options: T, known: readonly string[], call: string): T {
  if (options !== null && typeof options === "object")
    for (const key of Object.keys(options))
      if (!known.includes(key) && Object.hasOwn(RENAMED, key))
        throw new FusionError(`${call}: option "${key}" was renamed to "${RENAMED[key]}"`, {
          code: "invalid-option",
          field: key,
        });
  return checkOptions(options, known, call);
}
