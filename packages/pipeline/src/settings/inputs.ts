import { FORMATS, LANGUAGES } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { field, type SettingsOf } from "./fields.js";

/**
 * How the input files are read: their formats (unset: told from each file's first record) and the experiment's
 * languages. In the config these are top-level keys (`corpusFormat`, `queriesFormat`, `generatedFormat`,
 * `queriesLang`, and `languages` for the names); on the command line, the flags of the commands that read those
 * files (`--corpus-format`, …, `--language-names`). `xqg run` hands them to the stages that read the files.
 */
export const INPUT_FIELDS = {
  corpusFormat: field.optionalChoiceOf(
    FORMATS.passages,
    "format of the corpus (default: told from its first record)",
  ),
  queriesFormat: field.optionalChoiceOf(
    FORMATS.queries,
    "format of the queries (default: told from their first record)",
  ),
  generatedFormat: field.optionalChoiceOf(
    FORMATS.generated,
    "format of the generated queries (default: told from their first record)",
  ),
  queriesLang: field.optionalLanguageCode(
    "language of queries whose records name none (TSV, Tevatron, BEIR)",
  ),
  duplicates: field.optionalChoiceOf(
    FORMATS.duplicates,
    'a passage or query id seen twice: "error" (default; names both lines), or keep the "first" or "last"',
  ),
  languageNames: field.optionalLanguageNames(
    `the experiment's languages, code=English name (replaces the default ${Object.keys(LANGUAGES).join(", ")})`,
  ),
} as const;

export type InputName = keyof typeof INPUT_FIELDS;

/** The input settings a stage may be given (all optional; unset: formats told from content, the 7 languages). */
export type InputSettings = {
  readonly [K in InputName]?: SettingsOf<typeof INPUT_FIELDS>[K] | undefined;
};

/** The input fields of `names`, for a command's flags. */
export function inputFields<const N extends InputName>(...names: N[]): Pick<typeof INPUT_FIELDS, N> {
  return Object.fromEntries(names.map((name) => [name, INPUT_FIELDS[name]])) as Pick<typeof INPUT_FIELDS, N>;
}

/** The config key of each input setting where it differs from the setting's name. */
const CONFIG_KEYS: Partial<Record<InputName, string>> = { languageNames: "languages" };

/** Where a user sets each input setting: the config key and the command-line flag (`--corpus-format`, …). */
export const INPUT_KEYS = Object.fromEntries(
  (Object.keys(INPUT_FIELDS) as InputName[]).map((name) => [
    name,
    { config: CONFIG_KEYS[name] ?? name, flag: `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` },
  ]),
) as Record<InputName, { readonly config: string; readonly flag: string }>;

/** The settings without the input ones (what a stage records as its parameters), and the input ones. */
export function splitInputs<S extends object>(
  settings: S & InputSettings,
): { stage: Omit<S, InputName>; inputs: InputSettings } {
  const stage: Record<string, unknown> = {};
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings))
    if (key in INPUT_FIELDS) inputs[key] = value;
    else stage[key] = value;
  return { stage: stage as Omit<S, InputName>, inputs: inputs as InputSettings };
}

/** The language codes of the experiment, in their configured order (the seven XOR-TyDi ones by default). */
export function languageCodes(inputs: InputSettings): string[] {
  return Object.keys(inputs.languageNames ?? LANGUAGES);
}

/** What the readers of each input file are given: the format when one is set, the languages when named. */
export function readOptions(inputs: InputSettings) {
  const languages = inputs.languageNames ? { languages: inputs.languageNames } : {};
  const duplicates = inputs.duplicates ? { duplicates: inputs.duplicates } : {};
  return {
    corpus: { ...(inputs.corpusFormat ? { format: inputs.corpusFormat } : {}), ...duplicates },
    queries: {
      ...(inputs.queriesFormat ? { format: inputs.queriesFormat } : {}),
      ...duplicates,
      ...(inputs.queriesLang ? { lang: inputs.queriesLang } : {}),
      ...languages,
    },
    generated: {
      ...(inputs.generatedFormat ? { format: inputs.generatedFormat } : {}),
      ...duplicates,
      ...languages,
    },
  };
}

/**
 * The input settings that change what a stage computes from a file, for its manifest: the formats and the query
 * language when set (unset ones leave the parameters as they were).
 */
export function inputParams(inputs: InputSettings, files: ReadonlyArray<"corpus" | "queries" | "generated">) {
  const params: Record<string, string> = {};
  if (files.includes("corpus") && inputs.corpusFormat) params["corpusFormat"] = inputs.corpusFormat;
  if (files.includes("queries") && inputs.queriesFormat) params["queriesFormat"] = inputs.queriesFormat;
  if (files.includes("queries") && inputs.queriesLang) params["queriesLang"] = inputs.queriesLang;
  if (files.includes("generated") && inputs.generatedFormat)
    params["generatedFormat"] = inputs.generatedFormat;
  if (files.length > 0 && inputs.duplicates) params["duplicates"] = inputs.duplicates;
  return params;
}

/** Checks the query language against the experiment's languages (a config has had it checked with its line). */
export function checkQueriesLang(inputs: InputSettings): void {
  const codes = languageCodes(inputs);
  if (inputs.queriesLang === undefined || codes.includes(inputs.queriesLang)) return;
  const { config, flag } = INPUT_KEYS.languageNames;
  throw new UserError(
    `queriesLang (--queries-lang): unknown language "${inputs.queriesLang}"; expected one of ${codes.join(", ")} (other languages: name them under ${config}: in the config, or ${flag} code=Name)`,
  );
}
