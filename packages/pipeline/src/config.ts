import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { nearestName } from "@xqg/core";
import { FORMATS, LANGUAGES, type PassageDelta, type PassageFormat } from "@xqg/corpus";
import { FUSION_DEFAULTS } from "@xqg/fusion";
import { isModelId } from "@xqg/models";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { DEVICES, type Device } from "./device.js";
import { UserError } from "./errors.js";
import { alphasProblem, MIN_ALPHA } from "./layout.js";
import { type Field, type Fields, renamedValue, schemaOf, withDefaults } from "./settings/fields.js";
import { INPUT_FIELDS, type InputSettings } from "./settings/inputs.js";
import { STAGE_FIELDS, type StageName, type StageSettings } from "./settings/stages.js";
import { MAX_SHARDS, parseShard } from "./shard.js";
import { threadsProblem } from "./threads.js";

/** The whole experiment, validated, with every path absolute and every default filled in. */
export interface RunConfig {
  readonly file: string;
  readonly output: string;
  /** The corpus file; with `corpusDeltas`, the base the deltas apply to. */
  readonly corpus: string;
  /**
   * Delta files over the corpus, applied in order (@xqg/corpus `readPassagesWithDeltas`): each a corpus file (a
   * path, or `{ path, format }`) whose records replace or add passages and whose `{ "docid": …, "deleted": true }`
   * records delete them, or `{ deletes }`, a file of docids to delete, one a line. Empty: the corpus alone.
   */
  readonly corpusDeltas: readonly PassageDelta[];
  readonly queries: string;
  readonly qrels: string | undefined;
  /** Generated queries made elsewhere; when set, the generate stage is skipped. */
  readonly generated: string | undefined;
  /** NLTK punkt_tab data for R@kt (else $NLTK_DATA and NLTK's standard folders). */
  readonly nltkData: string | undefined;
  readonly encoder: { readonly query: string; readonly passage: string };
  readonly generator: string | undefined;
  /** `count` shards; `only` set when this process is one worker that runs a single shard. */
  readonly shards: { readonly count: number; readonly only: number | undefined };
  readonly threads: number;
  /**
   * Row ranges each exact search is split into: one unit per range (on different workers with `--queue`), then a
   * merge into one top-k per query, identical to one search of the whole matrix (default 1: one unit).
   */
  readonly searchRanges: number;
  /**
   * With shards: also merge the shards' generated queries into one file (`generated/queries.jsonl`). No later unit
   * reads it (each shard's Σq is computed from its own part), so it is written only when asked (default false).
   */
  readonly mergeGenerated: boolean;
  /** `redis://HOST:PORT[/DB]`: `xqg run` is then the coordinator of a distributed run (`--queue` overrides). */
  readonly queue: string | undefined;
  /** Where ONNX Runtime runs the models (default cpu; `xqg worker --device` overrides it per worker). */
  readonly device: Device;
  readonly ablation: { readonly queriesPerLanguage: readonly number[]; readonly alpha: number } | undefined;
  /** The stages' settings; those that read the input files also say how (formats, languages). */
  readonly stages: {
    readonly [S in StageName]: StageSettings<S> & (S extends InputStage ? InputSettings : unknown);
  };
}

/** The stages that read the corpus, the queries or the generated queries. */
type InputStage = "generate" | "encode" | "evaluate";
const INPUT_STAGES: readonly InputStage[] = ["generate", "encode", "evaluate"];

const path = z.string().min(1);
const TOP_LEVEL = {
  output: { schema: path, expected: "a directory path" },
  corpus: {
    // a list's entries are checked one by one (corpusDeltas), so that an error names the entry's line
    schema: z.union([path, z.array(z.unknown()).min(1)]),
    expected:
      "a corpus file (JSONL {docid,title,text} or DPR TSV, optionally .gz), or a list [base, delta, ...] of a corpus file then delta files",
  },
  queries: { schema: path, expected: "a queries file (XOR-TyDi JSONL {id,question,answers,lang})" },
  qrels: { schema: path, expected: "a TREC qrels file" },
  generated: { schema: path, expected: "a generated-queries JSONL file" },
  nltkData: {
    schema: path,
    expected: "a folder with NLTK's punkt_tab data (an nltk_data root or punkt_tab itself)",
  },
  corpusFormat: { schema: INPUT_FIELDS.corpusFormat.schema, expected: INPUT_FIELDS.corpusFormat.expected },
  queriesFormat: { schema: INPUT_FIELDS.queriesFormat.schema, expected: INPUT_FIELDS.queriesFormat.expected },
  generatedFormat: {
    schema: INPUT_FIELDS.generatedFormat.schema,
    expected: INPUT_FIELDS.generatedFormat.expected,
  },
  queriesLang: { schema: INPUT_FIELDS.queriesLang.schema, expected: INPUT_FIELDS.queriesLang.expected },
  duplicates: { schema: INPUT_FIELDS.duplicates.schema, expected: INPUT_FIELDS.duplicates.expected },
  languages: { schema: INPUT_FIELDS.languageNames.schema, expected: INPUT_FIELDS.languageNames.expected },
  encoder: {
    schema: z.union([path, z.strictObject({ query: path, passage: path })]),
    expected: "a model directory, or { query: DIR, passage: DIR } for untied encoders",
  },
  generator: { schema: path, expected: "a seq2seq model directory" },
  shards: {
    schema: z.union([z.number().int().min(1).max(MAX_SHARDS), z.string().regex(/^\d+\/\d+$/)]),
    expected: `a shard count N in [1, ${MAX_SHARDS.toLocaleString("en")}], or "i/N" to run one shard as a worker`,
  },
  threads: { schema: z.number().int().min(0), expected: "an integer ≥ 0 (0: all cores)" },
  mergeGenerated: {
    schema: z.boolean(),
    expected: "true or false (with shards: also write every shard's generated queries as one file)",
  },
  searchRanges: {
    schema: z.number().int().min(1).max(MAX_SHARDS),
    expected: `a number of row ranges in [1, ${MAX_SHARDS.toLocaleString("en")}]`,
  },
  device: {
    schema: z.enum(Object.keys(DEVICES) as [Device, ...Device[]]),
    expected: `one of ${Object.keys(DEVICES).join(", ")}`,
  },
  queue: {
    schema: z.string().regex(/^rediss?:\/\/\S+$/),
    expected: "a Redis URL, redis://[user:password@]HOST:PORT[/DB]",
  },
  ablation: {
    schema: z.strictObject({
      queriesPerLanguage: z.array(z.number().int().min(1)).min(1),
      alpha: z.number().min(0).max(1).optional(),
    }),
    expected: "{ queriesPerLanguage: [1, 2, ...], alpha?: number }",
  },
} as const;
const REQUIRED = ["corpus", "queries", "encoder"] as const;

const shape: Record<string, z.ZodType> = {};
for (const [key, spec] of Object.entries(TOP_LEVEL)) shape[key] = spec.schema.optional();
for (const [stage, fields] of Object.entries(STAGE_FIELDS))
  shape[stage] = schemaOf(fields as Fields).optional();
const CONFIG_SCHEMA = z.strictObject(shape);

/** Reads and validates a YAML or JSON config; every error names the file, line, key and the expected value. */
export async function loadConfig(file: string): Promise<RunConfig> {
  const abs = resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message;
    throw new UserError(`${file}: cannot read the config file (${why})`, { cause: error });
  }
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16 || bytes.includes(0)) {
    throw new UserError(
      `${file}: the config is ${utf16 ? "UTF-16" : "binary (it holds NUL bytes)"}; save it as UTF-8 text (YAML or JSON)`,
    );
  }
  const text = bytes.toString("utf8");
  if (text.replace(/^\uFEFF/, "").trim() === "") {
    throw new UserError(
      `${file}: the config is empty; it names at least corpus, queries, encoder and generator`,
    );
  }
  return parseConfig(text, file, abs);
}

export function parseConfig(text: string, file: string, abs = resolve(file)): RunConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = syntax.linePos?.[0];
    const kind = extname(file) === ".json" ? "JSON" : "YAML";
    throw new UserError(
      `${file}${at ? `:${at.line}:${at.col}` : ""}: ${kind} syntax error: ${firstLine(syntax.message)}`,
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new UserError(
      `${file}: expected a mapping of keys (corpus, queries, encoder, ...) at the top level`,
    );
  }
  const lineOf = (keyPath: ReadonlyArray<PropertyKey>): string => {
    const node = doc.getIn(keyPath as unknown[], true) as { range?: [number, number, number] } | undefined;
    const parentNode = keyPath.length > 0 ? doc.getIn(keyPath.slice(0, -1) as unknown[], true) : undefined;
    // the line of the key itself where there is one (a block value starts on the next line)
    const pairs = (
      parentNode as { items?: Array<{ key?: { value?: unknown; range?: [number] } }> } | undefined
    )?.items;
    const key = pairs?.find(
      (pair) => pair.key !== undefined && String(pair.key.value) === String(keyPath.at(-1)),
    );
    const offset =
      key?.key?.range?.[0] ??
      node?.range?.[0] ??
      (parentNode as { range?: [number] } | undefined)?.range?.[0];
    return offset === undefined ? "" : `:${lines.linePos(offset).line}`;
  };

  const result = CONFIG_SCHEMA.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UserError(describeIssue(issue, raw as Record<string, unknown>, file, lineOf));
  }
  const data = result.data as Record<string, unknown>;
  for (const key of REQUIRED) {
    if (data[key] === undefined)
      throw new UserError(`${file}: ${key}: expected ${TOP_LEVEL[key].expected}, got nothing`);
  }
  if (data["generator"] === undefined && data["generated"] === undefined) {
    throw new UserError(
      `${file}: generator: expected ${TOP_LEVEL.generator.expected} (or "generated": a file of generated queries), got nothing`,
    );
  }
  const base = dirname(abs);
  const at = (p: unknown): string => resolve(base, expandHome(p as string, file));
  const maybe = (p: unknown): string | undefined => (p === undefined ? undefined : at(p));
  // a model: a path relative to the config, or a Hugging Face id (org/name) when no such path exists
  const model = (p: unknown): string => {
    const path = at(p);
    return existsSync(path) || !isModelId(p as string) ? path : (p as string);
  };
  const encoder = data["encoder"] as string | { query: string; passage: string };
  const [corpus, ...deltas] = corpusEntries(data["corpus"], file, lineOf);
  const shards = parseShards(data["shards"], file, lineOf(["shards"]));
  const stages = {} as Record<StageName, unknown>;
  for (const [stage, fields] of Object.entries(STAGE_FIELDS)) {
    stages[stage as StageName] = withDefaults(
      fields as Fields,
      (data[stage] ?? {}) as Record<string, unknown>,
    );
  }
  const inputs = inputSettings(data, file, lineOf);
  const given = (data["generate"] as { languages?: unknown } | undefined)?.languages !== undefined;
  if (inputs.languageNames && !given)
    (stages.generate as { languages: string[] }).languages = Object.keys(inputs.languageNames);
  for (const stage of INPUT_STAGES) stages[stage] = { ...(stages[stage] as object), ...inputs };
  const searchRanges = (data["searchRanges"] as number | undefined) ?? 1;
  if (searchRanges > 1 && (stages.index as StageSettings<"index">).type !== "exact") {
    throw new UserError(
      `${file}${lineOf(["searchRanges"])}: searchRanges splits an exact search into row ranges; an HNSW index (index.type: hnsw) is searched whole: remove searchRanges or use index.type: exact`,
    );
  }
  const ablation = data["ablation"] as { queriesPerLanguage: number[]; alpha?: number } | undefined;
  const fuseAlphas = (stages.fuse as StageSettings<"fuse">).alphas;
  const badAlpha = alphasProblem(fuseAlphas);
  if (badAlpha) {
    const where = ["fuse", "alphas", badAlpha.index];
    throw new UserError(`${file}${lineOf(where)}: ${render(where)}: ${badAlpha.reason}`);
  }
  if (ablation?.alpha !== undefined && (ablation.alpha === 0 || alphasProblem([ablation.alpha]))) {
    throw new UserError(
      `${file}${lineOf(["ablation", "alpha"])}: ablation.alpha: expected an α in [${MIN_ALPHA}, 1], got ${ablation.alpha} (at α = 0 the generated queries count for nothing)`,
    );
  }
  return {
    file: abs,
    output: at(data["output"] ?? "out"),
    corpus: at(corpus),
    corpusDeltas: deltas.map((delta) =>
      typeof delta === "string"
        ? at(delta)
        : "deletes" in delta
          ? { deletes: at(delta.deletes) }
          : { ...delta, path: at(delta.path) },
    ),
    queries: at(data["queries"]),
    qrels: maybe(data["qrels"]),
    generated: maybe(data["generated"]),
    nltkData: maybe(data["nltkData"]),
    encoder:
      typeof encoder === "string"
        ? { query: model(encoder), passage: model(encoder) }
        : { query: model(encoder.query), passage: model(encoder.passage) },
    generator: data["generator"] === undefined ? undefined : model(data["generator"]),
    shards,
    threads: checkedThreads(data["threads"] as number | undefined, file, lineOf),
    searchRanges,
    mergeGenerated: (data["mergeGenerated"] as boolean | undefined) ?? false,
    queue: data["queue"] as string | undefined,
    device: (data["device"] as Device | undefined) ?? "cpu",
    ablation: ablation && {
      queriesPerLanguage: [...new Set(ablation.queriesPerLanguage)].sort((a, b) => a - b),
      alpha: ablation.alpha ?? fuseAlphas.find((a) => a > 0) ?? FUSION_DEFAULTS.alpha,
    },
    stages: stages as RunConfig["stages"],
  };
}

/**
 * The top-level input settings (formats, query language, language names), with every language the config
 * names checked against the experiment's languages (`languages:`, else the seven XOR-TyDi ones).
 */
function inputSettings(
  data: Record<string, unknown>,
  file: string,
  lineOf: (p: ReadonlyArray<PropertyKey>) => string,
): InputSettings {
  const names = data["languages"] as Record<string, string> | undefined;
  const codes = Object.keys(names ?? LANGUAGES);
  const hint = "name other languages under languages:, e.g. languages: { ar: Arabic, sw: Swahili }";
  const known = codes.map((c) => `"${c}"`).join(", ");
  const queriesLang = data["queriesLang"] as string | undefined;
  if (queriesLang !== undefined && !codes.includes(queriesLang))
    throw new UserError(
      `${file}${lineOf(["queriesLang"])}: queriesLang: expected one of ${known}, got "${queriesLang}" (${hint})`,
    );
  const targets = (data["generate"] as { languages?: string[] } | undefined)?.languages ?? [];
  const unknown = targets.findIndex((lang) => !codes.includes(lang));
  if (unknown >= 0) {
    const where = ["generate", "languages", unknown];
    throw new UserError(
      `${file}${lineOf(where)}: ${render(where)}: expected a non-empty list of ${known}, got "${targets[unknown]}" (${hint})`,
    );
  }
  const inputs: Record<string, unknown> = {
    corpusFormat: data["corpusFormat"],
    queriesFormat: data["queriesFormat"],
    generatedFormat: data["generatedFormat"],
    queriesLang,
    duplicates: data["duplicates"],
    languageNames: names,
  };
  for (const key of Object.keys(inputs)) if (inputs[key] === undefined) delete inputs[key];
  return inputs as InputSettings;
}

const DELTA_SHAPE =
  'a delta file: a path, { path: FILE, format: FORMAT } (a corpus file whose records replace or add passages and whose { "docid": …, "deleted": true } records delete them), or { deletes: FILE } (docids to delete, one a line)';

/**
 * The config's `corpus:` as its base file and delta files, paths as written: a path alone, or a list whose first
 * entry is the base corpus file and whose others are delta files (a path, `{ path, format? }` or `{ deletes }`).
 */
function corpusEntries(
  value: unknown,
  file: string,
  lineOf: (p: ReadonlyArray<PropertyKey>) => string,
): [string, ...PassageDelta[]] {
  if (typeof value === "string") return [value];
  const entries = value as unknown[];
  const bad = (index: number, expected: string, got: unknown = entries[index]): never => {
    const where = ["corpus", index];
    throw new UserError(`${file}${lineOf(where)}: ${render(where)}: expected ${expected}, got ${show(got)}`);
  };
  const isPath = (v: unknown): v is string => typeof v === "string" && v !== "";
  if (!isPath(entries[0])) bad(0, "the base corpus file (a path; its format is corpusFormat)");
  const formats = Object.keys(FORMATS.passages);
  const deltas = entries.slice(1).map((entry, i): PassageDelta => {
    const index = i + 1;
    if (isPath(entry)) return entry;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return bad(index, DELTA_SHAPE);
    const keys = Object.keys(entry);
    const fields = entry as Record<string, unknown>;
    if ("deletes" in fields) {
      if (keys.length !== 1) return bad(index, "{ deletes: FILE } alone (a delete list has no other key)");
      if (!isPath(fields["deletes"]))
        return bad(index, "a file of docids to delete, one a line", fields["deletes"]);
      return { deletes: fields["deletes"] };
    }
    const unknown = keys.find((key) => key !== "path" && key !== "format");
    if (unknown !== undefined) {
      const where = ["corpus", index, unknown];
      throw new UserError(
        `${file}${lineOf(where)}: ${render(where)}: unknown key (expected one of: path, format; or deletes alone)`,
      );
    }
    if (!isPath(fields["path"])) return bad(index, DELTA_SHAPE);
    const format = fields["format"];
    if (format === undefined) return { path: fields["path"] };
    if (typeof format !== "string" || !formats.includes(format)) {
      const where = ["corpus", index, "format"];
      throw new UserError(
        `${file}${lineOf(where)}: ${render(where)}: expected one of ${formats.map((f) => `"${f}"`).join(", ")}, got ${show(format)}`,
      );
    }
    return { path: fields["path"], format: format as PassageFormat };
  });
  return [entries[0] as string, ...deltas];
}

/**
 * `~` and `~/x` are the user's home, as a shell would expand them (YAML does not, and a folder literally named
 * `~` is never what was meant); `~other/x` is refused rather than guessed.
 */
function expandHome(path: string, file: string): string {
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(2));
  if (path.startsWith("~")) {
    throw new UserError(
      `${file}: ${path}: xqg expands ~ and ~/… (your home) but not ~user paths; write the full path`,
    );
  }
  return path;
}

function checkedThreads(
  threads: number | undefined,
  file: string,
  lineOf: (p: ReadonlyArray<PropertyKey>) => string,
): number {
  const problem = threads === undefined ? undefined : threadsProblem(threads);
  if (problem) throw new UserError(`${file}${lineOf(["threads"])}: threads: ${problem}`);
  return threads ?? 0;
}

function parseShards(value: unknown, file: string, line: string): RunConfig["shards"] {
  if (value === undefined) return { count: 1, only: undefined };
  if (typeof value === "number") return { count: value, only: undefined };
  const spec = parseShard(String(value), `${file}${line}: shards`);
  return { count: spec.count, only: spec.index };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  file: string,
  lineOf: (p: ReadonlyArray<PropertyKey>) => string,
): string {
  const keyPath = issue.path;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const known = knownKeys(keyPath);
    const near = nearestName(key, known);
    const hint = near === undefined ? "" : ` (did you mean ${near}?)`;
    return `${file}${lineOf([...keyPath, key])}: ${render([...keyPath, key])}: unknown key${hint} (expected one of: ${known.join(", ")})`;
  }
  const expected = expectedAt(keyPath);
  const value = valueAt(raw, keyPath);
  const renamed = renamedValue(fieldAt(keyPath), value);
  if (renamed) return `${file}${lineOf(keyPath)}: ${render(keyPath)}: ${renamed}`;
  return `${file}${lineOf(keyPath)}: ${render(keyPath)}: expected ${expected}, got ${show(value)}`;
}

/** The stage setting at `keyPath` (`index.dtype`), if it is one. */
function fieldAt(keyPath: ReadonlyArray<PropertyKey>): Field<unknown> | undefined {
  const [head, second] = keyPath.map(String);
  if (head === undefined || second === undefined || !(head in STAGE_FIELDS)) return undefined;
  return (STAGE_FIELDS[head as StageName] as Fields)[second];
}

function knownKeys(keyPath: ReadonlyArray<PropertyKey>): string[] {
  if (keyPath.length === 0) return [...Object.keys(TOP_LEVEL), ...Object.keys(STAGE_FIELDS)];
  const head = String(keyPath[0]);
  if (head in STAGE_FIELDS) return Object.keys(STAGE_FIELDS[head as StageName]);
  if (head === "encoder") return ["query", "passage"];
  if (head === "ablation") return ["queriesPerLanguage", "alpha"];
  return [];
}

function expectedAt(keyPath: ReadonlyArray<PropertyKey>): string {
  const [head, second] = keyPath.map(String);
  if (head === undefined) return "a mapping";
  if (head in STAGE_FIELDS) {
    const fields = STAGE_FIELDS[head as StageName] as Fields;
    if (second === undefined) return `a mapping of ${head} settings (${Object.keys(fields).join(", ")})`;
    const f: Field<unknown> | undefined = fields[second];
    if (f) return f.expected;
  }
  if (head === "ablation" && second === "queriesPerLanguage") return "a non-empty list of integers ≥ 1";
  if (head === "ablation" && second === "alpha") return "a number in [0, 1]";
  if (head === "encoder" && second !== undefined) return "a model directory";
  return (TOP_LEVEL as Record<string, { expected: string }>)[head]?.expected ?? "a valid value";
}

function valueAt(raw: unknown, keyPath: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = raw;
  for (const key of keyPath) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function render(keyPath: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of keyPath)
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  // JSON would print NaN and Infinity as null: keep them as the user wrote them
  const text = JSON.stringify(value, (_key, v) =>
    typeof v === "number" && !Number.isFinite(v) ? `\u0000${v}` : v,
  ).replace(/"\\u0000([^"]*)"/g, "$1");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/** The file a delta of `corpus: [base, delta, ...]` names. */
export function deltaFile(delta: PassageDelta): string {
  return typeof delta === "string" ? delta : "deletes" in delta ? delta.deletes : delta.path;
}

/**
 * Every input file and model folder a config names, by role (`corpus`, `corpus[1]` for its first delta file,
 * `queries`, `encoder (query)`, …): what a run must never write over, and what identifies its inputs.
 */
export function configInputs(config: RunConfig): Record<string, string> {
  const inputs: Record<string, string | undefined> = {
    corpus: config.corpus,
    queries: config.queries,
    qrels: config.qrels,
    generated: config.generated,
    nltkData: config.nltkData,
    "encoder (query)": config.encoder.query,
    "encoder (passage)": config.encoder.passage,
    generator: config.generator,
  };
  config.corpusDeltas.forEach((delta, i) => {
    inputs[`corpus[${i + 1}]`] = deltaFile(delta);
  });
  return Object.fromEntries(Object.entries(inputs).filter((e): e is [string, string] => e[1] !== undefined));
}
