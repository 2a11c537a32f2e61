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

export const LANGUAGE_CODES = Object.keys(LANGUAGES) as readonly Lang[];

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && Object.hasOwn(LANGUAGES, value);
}
