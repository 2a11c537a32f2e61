import type { Evaluation } from "@xqg/metrics";

/** An R@2kt evaluation from per-query values by language (means per language, their macro average). */
export function evaluation(values: Record<string, number[]>): Evaluation {
  const perQuery = Object.entries(values).flatMap(([lang, xs]) =>
    xs.map((x, i) => ({ id: `${lang}${i}`, lang, values: { "R@2kt": x } })),
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const perLang = Object.fromEntries(Object.entries(values).map(([l, xs]) => [l, mean(xs)]));
  return {
    measures: ["R@2kt"],
    languages: Object.keys(values),
    counts: Object.fromEntries(Object.entries(values).map(([l, xs]) => [l, xs.length])),
    scores: { "R@2kt": { ...perLang, avg: mean(Object.values(perLang)) } },
    perQuery,
    tokenizer: "nltk",
  };
}
