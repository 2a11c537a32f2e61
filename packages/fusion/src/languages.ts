import type { Lang } from "@xqg/corpus";
import type { Counts } from "./augment.js";
import { checkLang, LANGUAGE_CODES } from "./checks.js";
import { FusionError } from "./errors.js";

export interface LanguageSelection {
  /** Only these languages' queries (each with weight 1 unless `weights` says otherwise). */
  languages?: readonly Lang[] | undefined;
  /** Per-language weights: Σ = Σ_l w_l · Σq_l. Languages without a weight are left out. */
  weights?: Partial<Record<Lang, number>> | undefined;
}

/** The languages and weights a selection resolves to, in the canonical order (ar, bn, fi, ja, ko, ru, te). */
export function resolveSelection(
  selection: LanguageSelection,
  available: readonly Lang[],
): Array<{ lang: Lang; weight: number }> {
  for (const [field, named] of [
    ["languages", selection.languages ?? []],
    ["weights", Object.keys(selection.weights ?? {})],
  ] as const) {
    for (const name of named) {
      const lang = checkLang(name, field);
      if (!available.includes(lang))
        throw new FusionError(
          `no per-language sums for "${lang}" (have: ${available.join(", ") || "none"})`,
          {
            code: "invalid-option",
            field,
          },
        );
    }
  }
  const wanted = selection.weights
    ? (Object.keys(selection.weights) as Lang[]).filter(
        (l) => !selection.languages || selection.languages.includes(l),
      )
    : (selection.languages ?? available);
  return LANGUAGE_CODES.filter((l) => wanted.includes(l)).map((lang) => {
    const weight = selection.weights?.[lang] ?? 1;
    if (typeof weight !== "number" || !Number.isFinite(weight))
      throw new FusionError(`weight for "${lang}" must be a finite number, got ${JSON.stringify(weight)}`, {
        code: "invalid-option",
        field: "weights",
      });
    return { lang, weight };
  });
}

/**
 * Combines per-language query sums into one: Σ_l w_l · Σq_l, accumulated in float32 in the canonical language
 * order (NumPy: `sum(w[l] * S[l] for l in langs)`). Counts add up over languages with a non-zero weight.
 * Returns new arrays.
 */
export function combineLanguages(
  sums: Partial<Record<Lang, Float32Array>>,
  selection: LanguageSelection & { counts?: Partial<Record<Lang, Counts>> } = {},
): { sum: Float32Array; counts: Uint32Array | undefined } {
  const available = LANGUAGE_CODES.filter((l) => sums[l] !== undefined);
  const chosen = resolveSelection(selection, available);
  const length = sums[available[0]!]?.length ?? 0;
  const sum = new Float32Array(length);
  for (const { lang, weight } of chosen) {
    const s = sums[lang]!;
    if (s.length !== length)
      throw new FusionError(`sums for "${lang}" have ${s.length} floats, others ${length}`, {
        code: "shape-mismatch",
      });
    const w = Math.fround(weight);
    for (let i = 0; i < length; i++) sum[i] = Math.fround(sum[i]! + Math.fround(w * s[i]!));
  }
  let counts: Uint32Array | undefined;
  if (selection.counts) {
    const first = selection.counts[chosen[0]?.lang ?? available[0]!];
    counts = new Uint32Array(first?.length ?? 0);
    for (const { lang, weight } of chosen) {
      const c = selection.counts[lang];
      if (!c) throw new FusionError(`no counts for "${lang}"`, { code: "invalid-option", field: "counts" });
      if (weight !== 0) for (let i = 0; i < counts.length; i++) counts[i]! += c[i]!;
    }
  }
  return { sum, counts };
}
