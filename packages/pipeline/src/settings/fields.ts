import { z } from "zod";

/**
 * What a setting's command-line value looks like, shown as its placeholder in `--help` (`--seed N`); set by the
 * `field` constructor that declares the setting, so the help cannot drift from what the flag accepts. A boolean
 * setting is a bare flag and has none.
 */
export type Placeholder = "N" | "NUMBER" | "NAME" | "LIST" | undefined;

/**
 * One setting of a stage: its schema, a human description of the values it accepts (used verbatim in error
 * messages), its default and help text, and how a command-line string becomes a value. The same record feeds
 * the config-file schema and the CLI flags, so both accept exactly the same values.
 */
export interface Field<T> {
  readonly schema: z.ZodType<T>;
  readonly expected: string;
  readonly help: string;
  readonly default: T;
  /** A bare flag (`--normalize`) rather than one that takes a value. */
  readonly boolean: boolean;
  /** The value's placeholder in `--help`; undefined for a boolean. */
  readonly placeholder: Placeholder;
  readonly fromFlag: (raw: string) => unknown;
  /** Old spellings of its values, old → new, answered "renamed to …" rather than "expected …". */
  readonly renamed?: Readonly<Record<string, string>> | undefined;
  /**
   * A preset: the other settings its value stands for (`generate.preset`). They fill what was not given, before
   * the defaults; a setting given beside the preset wins.
   */
  readonly expands?: ((value: T) => Readonly<Record<string, unknown>>) | undefined;
}

/** What a setting says of a value it refuses that is an old spelling of one it takes, else undefined. */
export function renamedValue(f: Field<unknown> | undefined, value: unknown): string | undefined {
  const renamed = typeof value === "string" && f?.renamed ? f.renamed[value] : undefined;
  return renamed === undefined
    ? undefined
    : `${JSON.stringify(value)} was renamed to ${JSON.stringify(renamed)}`;
}

/** ISO 639-1: two lowercase letters (as @xqg/corpus's `isLanguageCode`). */
const LANGUAGE_CODE = /^[a-z]{2}$/;
const LANGUAGE_LIST = "a non-empty list of language codes (ISO 639-1: two lowercase letters, e.g. ar, sw)";

/** Decimal notation only: `Number` would also take `0x10`, `0b11` and white space around the digits. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const asNumber = (raw: string): unknown =>
  DECIMAL.test(raw) && Number.isFinite(Number(raw)) ? Number(raw) : raw;
const asList = (raw: string): string[] =>
  raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

function make<T>(
  schema: z.ZodType<T>,
  expected: string,
  fallback: T,
  help: string,
  fromFlag: (raw: string) => unknown,
  placeholder: Placeholder,
): Field<T> {
  return {
    schema,
    expected,
    default: fallback,
    help,
    fromFlag,
    boolean: placeholder === undefined,
    placeholder,
  };
}

export const field = {
  /** An integer ≥ `min`; with `max`, a cap that keeps a typo from exhausting memory (the help shows the range). */
  int(fallback: number, help: string, min = 0, max?: number): Field<number> {
    const schema = max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max);
    return make(schema, intText(min, max), fallback, help, asNumber, "N");
  },
  number(fallback: number, help: string, range: Range = {}): Field<number> {
    let schema = z.number();
    if (range.min !== undefined) schema = range.exclusiveMin ? schema.gt(range.min) : schema.min(range.min);
    if (range.max !== undefined) schema = schema.max(range.max);
    return make(schema, rangeText("a number", range), fallback, help, asNumber, "NUMBER");
  },
  optionalInt(help: string, min = 1, max?: number): Field<number | undefined> {
    const base = max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max);
    return make(base.optional(), intText(min, max), undefined, help, asNumber, "N");
  },
  /** An optional name of letters, digits and `_` (unset: the stage's own default). */
  optionalName(help: string): Field<string | undefined> {
    const schema = z
      .string()
      .regex(/^[A-Za-z0-9_]+$/)
      .optional();
    return make(schema, "a name of letters, digits or _", undefined, help, (raw) => raw, "NAME");
  },
  boolean(fallback: boolean, help: string): Field<boolean> {
    const fromFlag = (raw: string): unknown => (raw === "true" ? true : raw === "false" ? false : raw);
    return make(z.boolean(), "true or false", fallback, help, fromFlag, undefined);
  },
  /** One of `choices`; `renamed` maps old spellings to the current ones, for the error a user then gets. */
  choice<const C extends readonly [string, ...string[]]>(
    choices: C,
    fallback: C[number],
    help: string,
    options: { renamed?: Readonly<Record<string, C[number]>> } = {},
  ): Field<C[number]> {
    const schema = z.enum(choices) as unknown as z.ZodType<C[number]>;
    const expected = `one of ${choices.map((c) => `"${c}"`).join(", ")}`;
    const made = make(schema, expected, fallback, help, (raw) => raw, "NAME");
    return options.renamed ? { ...made, renamed: options.renamed } : made;
  },
  /** One of a package's registry keys (`ENCODER_DEFAULTS.poolings`, `METRICS`, ...): a new entry there is accepted here. */
  choiceOf<R extends Record<string, unknown>>(
    registry: R,
    fallback: keyof R & string,
    help: string,
    options: { renamed?: Readonly<Record<string, keyof R & string>> } = {},
  ) {
    return field.choice(keysOf(registry), fallback, help, options);
  },
  choices<const C extends readonly [string, ...string[]]>(
    choices: C,
    fallback: C[number][],
    help: string,
  ): Field<C[number][]> {
    const schema = z.array(z.enum(choices)).min(1) as unknown as z.ZodType<C[number][]>;
    const expected = `a non-empty list of ${choices.map((c) => `"${c}"`).join(", ")}`;
    return make(schema, expected, fallback, help, asList, "LIST");
  },
  /** An optional subset of a registry's names (unset: the stage's own default, e.g. all). */
  optionalChoices<const C extends readonly [string, ...string[]]>(
    choices: C,
    help: string,
  ): Field<C[number][] | undefined> {
    const schema = z.array(z.enum(choices)).min(1).optional() as unknown as z.ZodType<
      C[number][] | undefined
    >;
    const expected = `a non-empty list of ${choices.map((c) => `"${c}"`).join(", ")}`;
    return make(schema, expected, undefined, help, asList, "LIST");
  },
  /** An optional one of a registry's names (unset: told from elsewhere, e.g. a file's format from its content). */
  optionalChoiceOf<R extends Record<string, unknown>>(
    registry: R,
    help: string,
  ): Field<(keyof R & string) | undefined> {
    const choices = keysOf(registry);
    const schema = z.enum(choices).optional() as unknown as z.ZodType<(keyof R & string) | undefined>;
    const expected = `one of ${choices.map((c) => `"${c}"`).join(", ")}`;
    return make(schema, expected, undefined, help, (raw) => raw, "NAME");
  },
  /**
   * A list of language codes (ISO 639-1: two lowercase letters). Which codes are known is the experiment's
   * language set (`languages:` in the config, `--language-names`), checked where it is known.
   */
  languageCodes(fallback: string[], help: string): Field<string[]> {
    const schema = z.array(z.string().regex(LANGUAGE_CODE)).min(1);
    return make(schema, LANGUAGE_LIST, fallback, help, asList, "LIST");
  },
  /** An optional language code (ISO 639-1), checked against the experiment's languages where they are known. */
  optionalLanguageCode(help: string): Field<string | undefined> {
    const schema = z.string().regex(LANGUAGE_CODE).optional();
    return make(
      schema,
      "a language code (ISO 639-1: two lowercase letters, e.g. sw)",
      undefined,
      help,
      (raw) => raw,
      "NAME",
    );
  },
  /** Optional language names by code (`{ sw: Swahili }`; on the command line `sw=Swahili,de=German`). */
  optionalLanguageNames(help: string): Field<Record<string, string> | undefined> {
    const schema = z
      .record(z.string().regex(LANGUAGE_CODE), z.string().trim().min(1))
      .refine((names) => Object.keys(names).length > 0)
      .optional() as unknown as z.ZodType<Record<string, string> | undefined>;
    const expected =
      "language names by ISO 639-1 code, e.g. { ar: Arabic, sw: Swahili } (on the command line ar=Arabic,sw=Swahili)";
    const fromFlag = (raw: string): unknown =>
      Object.fromEntries(
        asList(raw).map((pair) => {
          const at = pair.indexOf("=");
          return at < 0 ? [pair, ""] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
    return make(schema, expected, undefined, help, fromFlag, "LIST");
  },
  /** Optional finite weights by name (`{ ar: 1, ja: 0.5 }`; on the command line `ar=1,ja=0.5`). */
  optionalWeights<const C extends readonly [string, ...string[]]>(
    names: C,
    help: string,
  ): Field<Partial<Record<C[number], number>> | undefined> {
    const schema = z
      .partialRecord(z.enum(names), z.number().finite())
      .refine((w) => Object.keys(w).length > 0)
      .optional() as unknown as z.ZodType<Partial<Record<C[number], number>> | undefined>;
    const expected = `weights by name, e.g. { ${names[0]}: 1 } (names: ${names.join(", ")})`;
    const fromFlag = (raw: string): unknown =>
      Object.fromEntries(
        asList(raw).map((pair) => {
          const [name, value] = pair.split("=");
          return [name?.trim() ?? "", asNumber(value?.trim() ?? "")];
        }),
      );
    return make(schema, expected, undefined, help, fromFlag, "LIST");
  },
  strings(
    fallback: string[],
    help: string,
    itemSchema: z.ZodType<string> = z.string().min(1),
  ): Field<string[]> {
    return make(z.array(itemSchema).min(1), "a non-empty list of strings", fallback, help, asList, "LIST");
  },
  numbers(fallback: number[], help: string, range: { min?: number; max?: number } = {}): Field<number[]> {
    let item = z.number();
    if (range.min !== undefined) item = item.min(range.min);
    if (range.max !== undefined) item = item.max(range.max);
    const expected = `a non-empty list of ${rangeText("numbers", range)}`;
    return make(z.array(item).min(1), expected, fallback, help, (raw) => asList(raw).map(asNumber), "LIST");
  },
  ints(fallback: number[], help: string, min = 1): Field<number[]> {
    const schema = z.array(z.number().int().min(min)).min(1);
    const expected = `a non-empty list of integers ≥ ${min}`;
    return make(schema, expected, fallback, help, (raw) => asList(raw).map(asNumber), "LIST");
  },
};

/** A registry's names as a non-empty tuple type, for the schema and the help text. */
export function keysOf<R extends Record<string, unknown>>(
  registry: R,
): [keyof R & string, ...(keyof R & string)[]] {
  const keys = Object.keys(registry) as (keyof R & string)[];
  if (keys.length === 0) throw new Error("bug: an empty registry");
  return keys as [keyof R & string, ...(keyof R & string)[]];
}

function intText(min: number, max: number | undefined): string {
  if (max !== undefined) return `an integer in [${min}, ${max}]`;
  return min === 1 ? "a positive integer" : `an integer ≥ ${min}`;
}

/** Bounds of a number; `exclusiveMin` leaves `min` itself out (`(0, 1]`). */
interface Range {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
}

function rangeText(noun: string, range: Range): string {
  const open = range.exclusiveMin ? "(" : "[";
  if (range.min !== undefined && range.max !== undefined)
    return `${noun} in ${open}${range.min}, ${range.max}]`;
  if (range.min !== undefined) return `${noun} ${range.exclusiveMin ? ">" : "≥"} ${range.min}`;
  if (range.max !== undefined) return `${noun} ≤ ${range.max}`;
  return noun;
}

// biome-ignore lint/suspicious/noExplicitAny: a record of fields of any value type
export type Fields = Record<string, Field<any>>;
export type SettingsOf<F extends Fields> = {
  readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never;
};

/** The zod schema of a settings record: every key optional (defaults fill in), unknown keys rejected. */
export function schemaOf<F extends Fields>(fields: F): z.ZodType<Partial<SettingsOf<F>>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, f] of Object.entries(fields)) shape[key] = f.schema.optional();
  return z.strictObject(shape) as unknown as z.ZodType<Partial<SettingsOf<F>>>;
}

export function defaultsOf<F extends Fields>(fields: F): SettingsOf<F> {
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(fields)) out[key] = f.default;
  return out as SettingsOf<F>;
}

/**
 * The settings of a stage from those given (a config's mapping, a command's flags): what was given, else what a
 * preset among them stands for (`expands`; its own default preset when none is named), else the defaults. The
 * keys keep the fields' order, so what a unit records is the same whether a value came from a preset or not.
 */
export function withDefaults<F extends Fields>(
  fields: F,
  given: Readonly<Record<string, unknown>>,
): SettingsOf<F> {
  const out: Record<string, unknown> = defaultsOf(fields);
  for (const [key, f] of Object.entries(fields)) {
    if (!f.expands) continue;
    for (const [name, value] of Object.entries(f.expands(given[key] ?? f.default)))
      if (Object.hasOwn(out, name)) out[name] = value;
  }
  for (const [key, value] of Object.entries(given)) if (value !== undefined) out[key] = value;
  return out as SettingsOf<F>;
}

/** `perLanguage` → `per-language`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
