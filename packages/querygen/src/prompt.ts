import { LANGUAGES, type Lang, type LanguageNames } from "@xqg/corpus";
import { GenerationError, invalidOption } from "./errors.js";

/** The xQG paper's prompt, verbatim (Zhuang et al., SIGIR 2023; ielab/xQG4xDR). */
export const PROMPT_TEMPLATE = "Generate a {Language} question for this passage: {title} {passage}";

/** Placeholders a prompt template may use. */
export const PROMPT_FIELDS = {
  Language: "the target language's English name, e.g. Japanese",
  lang: "the target language's code, e.g. ja",
  title: "the passage title",
  passage: "the passage text",
} as const;

export type PromptField = keyof typeof PROMPT_FIELDS;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Throws when the template names a placeholder that is not one of PROMPT_FIELDS. */
export function validatePromptTemplate(template: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!(match[1]! in PROMPT_FIELDS)) {
      throw invalidOption(
        "prompt",
        `prompt template has unknown placeholder {${match[1]}}; allowed: ${Object.keys(PROMPT_FIELDS)
          .map((f) => `{${f}}`)
          .join(", ")}`,
      );
    }
  }
}

/**
 * Fills a template in one pass, so braces inside a title or passage are never substituted again. {Language} is
 * the English name of `fields.lang` in `languageNames` (default LANGUAGES).
 */
export function formatPrompt<L extends string = Lang>(
  template: string,
  fields: { lang: NoInfer<L>; title: string; passage: string },
  languageNames?: LanguageNames<L>,
): string {
  validatePromptTemplate(template);
  const names: Readonly<Record<string, string>> = languageNames ?? LANGUAGES;
  if (!Object.hasOwn(names, fields.lang))
    throw new GenerationError(
      `no English name for language ${JSON.stringify(fields.lang)}; known: ${Object.keys(names).join(", ")}`,
      { code: "unknown-language", field: "lang" },
    );
  const values: Record<PromptField, string> = {
    Language: names[fields.lang]!,
    lang: fields.lang,
    title: fields.title,
    passage: fields.passage,
  };
  return template.replace(PLACEHOLDER, (_, name: string) => values[name as PromptField]);
}
