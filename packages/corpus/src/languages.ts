import { CorpusError } from "./errors.js";

/** The seven XOR-TyDi query languages, code → English name (the name the xQG prompt uses). */
export const LANGUAGES = {
  ar: "Arabic",
  bn: "Bengali",
  fi: "Finnish",
  ja: "Japanese",
  ko: "Korean",
  ru: "Russian",
  te: "Telugu",
} as const;

export type Lang = keyof typeof LANGUAGES;

/**
 * The languages of an experiment, ISO 639-1 code → English name (the name the xQG prompt uses), e.g.
 * `{ ...LANGUAGES, sw: "Swahili" }` for XOR-TyDi's seven and Swahili. Passed as `languages`, it replaces
 * {@link LANGUAGES}: the readers then accept exactly these codes, and `L` (the union of the keys) types the
 * records' `lang`.
 */
export type LanguageNames<L extends string = string> = { readonly [K in L]: string };

/**
 * Whether `value` is an ISO 639-1 language code: two lowercase ASCII letters (`"sw"`, not `"SW"`, `"swa"` or
 * `"sw-KE"`); with `languages` (e.g. {@link LANGUAGES}), also one of its codes.
 */
export function isLanguageCode(value: unknown): value is string;
export function isLanguageCode<L extends string>(value: unknown, languages: LanguageNames<L>): value is L;
export function isLanguageCode(value: unknown, languages?: LanguageNames): boolean {
  if (typeof value !== "string" || !/^[a-z]{2}$/.test(value)) return false;
  return languages === undefined || Object.hasOwn(languages, value);
}

/** A checked language set, as the readers and writers apply it (internal). */
export interface LanguageSet {
  readonly codes: readonly string[];
  has(code: string): boolean;
  /** What an "unknown language" message says after the value: the codes, and how to name others. */
  readonly expected: string;
}

function makeSet(names: Readonly<Record<string, string>>): LanguageSet {
  const codes = Object.keys(names);
  return {
    codes,
    has: (code) => Object.hasOwn(names, code),
    expected: `expected one of ${codes.join(", ")}; for other languages pass { languages } (ISO 639-1 code → English name)`,
  };
}

export const DEFAULT_LANGUAGE_SET: LanguageSet = makeSet(LANGUAGES);

/** Why `names` is not a usable language set (the reason of an error), or undefined when it is. */
export function languageNamesProblem(names: unknown): string | undefined {
  if (typeof names !== "object" || names === null || Array.isArray(names))
    return 'must map ISO 639-1 codes to English names, e.g. { ...LANGUAGES, sw: "Swahili" }';
  const entries = Object.entries(names);
  if (entries.length === 0) return "names no language";
  for (const [code, name] of entries) {
    if (!isLanguageCode(code))
      return `${JSON.stringify(code)} is not an ISO 639-1 code (two lowercase letters, e.g. "sw")`;
    if (typeof name !== "string" || name.trim() === "")
      return `the name of "${code}" must be its English name (a non-empty string, e.g. "Swahili")`;
  }
  return undefined;
}

/** The set a reader or writer applies: `names` when given (checked), else the seven defaults. */
export function languageSet(names: unknown, file: string): LanguageSet {
  if (names === undefined) return DEFAULT_LANGUAGE_SET;
  const problem = languageNamesProblem(names);
  if (problem !== undefined)
    throw new CorpusError(`option "languages" ${problem}`, { file, field: "languages", code: "bad-value" });
  return makeSet(names as Readonly<Record<string, string>>);
}
