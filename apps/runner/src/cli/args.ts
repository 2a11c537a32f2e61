import { parseArgs } from "node:util";
import { nearestName } from "@xqg/core";
import { type ShardPart, settings, UsageError } from "@xqg/pipeline";

const { defaultsOf, flagName, parseShard, renamedValue, schemaOf, threadsProblem, withDefaults } = settings;
type Field<T> = settings.Field<T>;
type Fields = settings.Fields;

/** The whole corpus: the shard of a command given no --shard. */
export const WHOLE: ShardPart = { index: 0, count: 1 };

/**
 * What an explicit flag takes: the placeholder `--help` shows, what a value must look like (for the error
 * message), and how a value is read. Commands read their flags' values through the same record, so the help,
 * the check and the use cannot drift apart.
 */
export interface ValueKind<T> {
  readonly placeholder: string;
  readonly expected: string;
  /** The value, or undefined when `raw` is not one. */
  readonly parse: (raw: string) => T | undefined;
  /**
   * A repeatable flag of this kind also takes a comma list (`0.01=a.json,0.5=b.json`): a comma starts a new
   * item where what follows it is a whole value, so a comma inside a path stays in the path.
   */
  readonly commaList?: boolean;
}

/** A file or directory. */
export const PATH: ValueKind<string> = {
  placeholder: "PATH",
  expected: "a path",
  parse: (raw) => (raw === "" ? undefined : raw),
};

/** One word, e.g. a TREC run tag. */
export const NAME: ValueKind<string> = {
  placeholder: "NAME",
  expected: "one word (no spaces)",
  parse: (raw) => (/^\S+$/.test(raw) ? raw : undefined),
};

/** A flag that is not a stage setting: an input or output path, or a value only this command takes. */
export interface ArgFlag {
  readonly help: string;
  /** What it takes (default: PATH). */
  readonly value?: ValueKind<unknown>;
  readonly required?: boolean;
  readonly multiple?: boolean;
  /** A switch that takes no value; given, its list is `["true"]`. */
  readonly boolean?: boolean;
}

/** A command's flags: its own arguments, the settings of its stage, and the common ones. */
export interface FlagSpec {
  readonly args: Readonly<Record<string, ArgFlag>>;
  readonly fields: Fields;
  readonly shard: boolean;
  /** `--threads N`'s help, for the commands whose work is threaded; the others reject the flag. */
  readonly threads?: string;
  /** Whether the command takes positional arguments (a CONFIG file); the others refuse a stray word. */
  readonly positionals?: boolean;
  /** Whether `--force` means something to the command (default: yes); the others reject the flag. */
  readonly force?: boolean;
}

export interface ParsedFlags {
  /** Every value given for each of the spec's `args`, checked against its ValueKind. */
  readonly args: Readonly<Record<string, string[]>>;
  readonly settings: Record<string, unknown>;
  readonly shard: ShardPart;
  /** Undefined when not given (commands then use 0, all cores; `run` keeps the config's). */
  readonly threads: number | undefined;
  readonly quiet: boolean;
  readonly force: boolean;
  readonly help: boolean;
  readonly positionals: string[];
}

export function parseFlags(command: string, argv: string[], spec: FlagSpec): ParsedFlags {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {
    help: { type: "boolean", short: "h" },
    quiet: { type: "boolean", short: "q" },
  };
  if (spec.force !== false) options["force"] = { type: "boolean" };
  if (spec.threads !== undefined) options["threads"] = { type: "string" };
  if (spec.shard) options["shard"] = { type: "string" };
  for (const [name, flag] of Object.entries(spec.args))
    options[flagName(name)] = flag.boolean
      ? { type: "boolean" }
      : { type: "string", multiple: flag.multiple ?? false };
  // A list setting given twice accumulates (`--alphas 0 --alphas 0.5` is `--alphas 0,0.5`).
  for (const [key, f] of Object.entries(spec.fields))
    options[flagName(key)] = f.boolean
      ? { type: "boolean" }
      : { type: "string", multiple: f.placeholder === "LIST" };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      `${command}: ${flagProblem(error as NodeJS.ErrnoException, argv, Object.keys(options))} (see xqg ${command} --help)`,
    );
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const help = values["help"] === true;
  const args: Record<string, string[]> = {};
  for (const [name, flag] of Object.entries(spec.args)) {
    const raw = values[flagName(name)];
    const given = raw === undefined || raw === false ? [] : Array.isArray(raw) ? raw : [String(raw)];
    const kind = flag.value ?? PATH;
    const list = flag.multiple && kind.commaList ? given.flatMap((item) => commaItems(item, kind)) : given;
    if (!help && flag.required && list.length === 0) {
      throw new UsageError(
        `${command}: --${flagName(name)} is required: ${flag.help} (see xqg ${command} --help)`,
      );
    }
    const bad = help ? undefined : list.find((item) => kind.parse(item) === undefined);
    if (bad !== undefined) {
      throw new UsageError(
        `${command}: --${flagName(name)}: expected ${kind.expected}, got ${JSON.stringify(bad)}`,
      );
    }
    args[name] = list;
  }
  const settings = help ? defaultsOf(spec.fields) : parseSettings(command, values, spec.fields);
  const threadsRaw = values["threads"];
  const threads = threadsRaw === undefined ? undefined : Number(threadsRaw);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) {
    throw new UsageError(
      `${command}: --threads: expected an integer ≥ 0 (0: all cores), got ${JSON.stringify(threadsRaw)}`,
    );
  }
  const tooMany = threads === undefined ? undefined : threadsProblem(threads);
  if (tooMany) throw new UsageError(`${command}: --threads: ${tooMany}`);
  const stray = parsed.positionals[0];
  if (!help && !spec.positionals && stray !== undefined) {
    throw new UsageError(
      `${command}: unexpected argument ${JSON.stringify(stray)} (every input is given by a flag; see xqg ${command} --help)`,
    );
  }
  const shardRaw = values["shard"];
  return {
    args,
    settings,
    shard: typeof shardRaw === "string" ? shardFlag(command, shardRaw) : WHOLE,
    threads,
    quiet: values["quiet"] === true,
    force: values["force"] === true,
    help,
    positionals: parsed.positionals,
  };
}

/** A flag's value as given: a repeated list flag's values joined as one comma list. */
const shown = (raw: unknown): unknown => (Array.isArray(raw) ? raw.join(",") : raw);

/** A comma list of `kind`'s values: a comma starts a new item where both sides are whole values. */
function commaItems(raw: string, kind: ValueKind<unknown>): string[] {
  const items: string[] = [];
  for (const part of raw.split(",")) {
    const last = items.at(-1);
    if (last !== undefined && (kind.parse(last) === undefined || kind.parse(part) === undefined))
      items[items.length - 1] = `${last},${part}`;
    else items.push(part);
  }
  return items;
}

function parseSettings(
  command: string,
  values: Record<string, unknown>,
  fields: Fields,
): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(fields)) {
    const raw = values[flagName(key)];
    if (raw === undefined) continue;
    given[key] = f.boolean ? raw : f.fromFlag(Array.isArray(raw) ? raw.join(",") : String(raw));
  }
  const result = schemaOf(fields).safeParse(given);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0]);
    const f = fields[key] as Field<unknown>;
    const renamed = renamedValue(f, given[key]);
    if (renamed) throw new UsageError(`${command}: --${flagName(key)}: ${renamed}`);
    throw new UsageError(
      `${command}: --${flagName(key)}: expected ${f.expected}, got ${JSON.stringify(shown(values[flagName(key)]))}`,
    );
  }
  return withDefaults(fields, result.data as Record<string, unknown>);
}

/** `--help` text: usage, the command's own flags, every setting with its default, then the common flags. */
export function helpText(command: string, summary: string, usage: string, spec: FlagSpec): string {
  const lines = [`xqg ${command}: ${summary}`, "", `Usage: xqg ${command} ${usage}`, ""];
  const rows: Array<[string, string]> = [];
  for (const [name, flag] of Object.entries(spec.args)) {
    rows.push([
      flag.boolean
        ? `--${flagName(name)}`
        : `--${flagName(name)} ${(flag.value ?? PATH).placeholder}${flag.multiple ? " ..." : ""}`,
      `${flag.help}${flag.required ? " (required)" : ""}`,
    ]);
  }
  for (const [key, f] of Object.entries(spec.fields)) {
    const shown =
      f.default === undefined
        ? ""
        : ` (default: ${Array.isArray(f.default) ? f.default.join(",") : String(f.default)})`;
    const flag = f.placeholder === undefined ? `--${flagName(key)}` : `--${flagName(key)} ${f.placeholder}`;
    rows.push([flag, `${f.help}; ${f.expected}${shown}`]);
  }
  if (spec.shard) rows.push(["--shard i/N", "process shard i of N (0-based, contiguous in corpus order)"]);
  if (spec.threads !== undefined) rows.push(["--threads N", spec.threads]);
  if (spec.force !== false)
    rows.push(["--force", "run even when the output's manifest says it is up to date"]);
  rows.push(["--quiet, -q", "no progress or log lines"]);
  rows.push(["--help, -h", "this text"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  return `${lines.join("\n")}\n`;
}

/** parseArgs' error in one line of ours: the flag, what was wrong, and the likely intended flag for a typo. */
function flagProblem(
  error: NodeJS.ErrnoException,
  argv: readonly string[],
  known: readonly string[],
): string {
  const flag = /'(--?[\w-]+)/.exec(error.message)?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const near = nearestName(flag.replace(/^-+/, ""), known);
    return `unknown option ${flag}${near ? ` (did you mean --${near}?)` : ""}`;
  }
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /ambiguous/.test(error.message)) {
    const value = argv[argv.indexOf(flag) + 1] ?? "";
    if (flag === "--shard") return shardProblem(value) ?? `--shard: got ${JSON.stringify(value)}`;
    return `${flag}: got ${JSON.stringify(value)}, which reads as a flag; write ${flag}=${value} if it is the value`;
  }
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `${flag}: expected a value, got nothing`;
  return error.message.split("\n")[0]!.replace(/\. To specify a positional argument.*$/s, "");
}

function shardProblem(raw: string): string | undefined {
  try {
    parseShard(raw);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function shardFlag(command: string, raw: string): ShardPart {
  const problem = shardProblem(raw);
  if (problem) throw new UsageError(`${command}: ${problem}`);
  return parseShard(raw);
}
