import { isLanguageCode, LANGUAGES, type Lang } from "@xqg/corpus";
import { FusionError } from "./errors.js";

const LANGUAGE_CODES = Object.keys(LANGUAGES) as Lang[];

export function checkDim(dim: unknown): number {
  if (typeof dim !== "number" || !Number.isInteger(dim) || dim <= 0)
    throw new FusionError(`dim must be a positive integer, got ${JSON.stringify(dim)}`, "bad-option", {
      field: "dim",
    });
  return dim;
}

export function checkAlpha(alpha: unknown): number {
  if (typeof alpha !== "number" || !Number.isFinite(alpha))
    throw new FusionError(`alpha must be a finite number, got ${JSON.stringify(alpha)}`, "bad-option", {
      field: "alpha",
    });
  return alpha;
}

export function rowsOf(what: string, data: unknown, dim: number): number {
  if (!(data instanceof Float32Array))
    throw new FusionError(`${what} must be a Float32Array (rows × ${dim}, row-major)`, "bad-option", {
      field: what,
    });
  if (data.length % dim !== 0)
    throw new FusionError(
      `${what} has ${data.length} floats, not a multiple of dim ${dim}`,
      "shape-mismatch",
      { field: what },
    );
  return data.length / dim;
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
 * Refuses a NaN or ±Infinity in `data` (rows `firstRow …` of a matrix `dim` wide), naming the file (or array)
 * it came from, the row and the column: an Inf row would rank first for every query after indexing. One pass
 * over the array.
 */
export function checkFinite(
  where: { file?: string; field?: string },
  data: Float32Array,
  dim: number,
  firstRow = 0,
  note: string | ((row: number) => string) = "",
): void {
  const i = firstNonFinite(data);
  if (i >= 0) {
    const x = data[i]!;
    const row = firstRow + Math.floor(i / dim);
    const source = where.file ?? where.field;
    throw new FusionError(
      `${source}: row ${row}, column ${i % dim}: ${x}${typeof note === "string" ? note : note(row)}; embeddings must be finite`,
      "non-finite",
      where,
    );
  }
}

/** A language code of the seven, or a FusionError naming the allowed ones (`field`: the option at fault). */
export function checkLang(lang: unknown, field: string): Lang {
  if (!isLanguageCode(lang, LANGUAGES))
    throw new FusionError(
      `unknown language ${JSON.stringify(lang)}; allowed: ${LANGUAGE_CODES.join(", ")}`,
      "unknown-language",
      { field },
    );
  return lang;
}

/** The `languages` option, each code checked, in canonical order (the order of every per-language file). */
export function checkLanguages(languages: readonly unknown[] | undefined): Lang[] {
  const checked = (languages ?? []).map((l) => checkLang(l, "languages"));
  return LANGUAGE_CODES.filter((l) => checked.includes(l));
}
