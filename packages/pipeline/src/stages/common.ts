import { existsSync } from "node:fs";
import {
  CorpusError,
  type DuplicatePolicy,
  type GeneratedFormat,
  indexRecords,
  type LanguageNames,
  type PassageFormat,
  type RecordIndex,
  readGeneratedQueries,
  readPassages,
  shard,
} from "@xqg/corpus";
import { ensureModel, isModelId, type ModelTask } from "@xqg/models";
import type { Device } from "../device.js";
import type { StageContext } from "../manifest.js";
import type { Progress } from "../progress.js";
import { INPUT_KEYS, type InputName } from "../settings/inputs.js";

/** What every stage receives besides its paths and settings. */
export interface StageEnv extends StageContext {
  /** Threads for ONNX Runtime and the index (0: the library decides). */
  readonly threads: number;
  /** Where ONNX Runtime runs (default cpu): the config's `device`, or `xqg worker --device`. */
  readonly device?: Device;
  /**
   * Stops the unit: the package calls it makes reject with an AbortError after their current batch, and the
   * unit's staging is removed (`runStage`).
   */
  readonly signal?: AbortSignal;
}

/** Passes items through, ticking `progress` for each (or by `weight`). */
export async function* counted<T>(
  source: AsyncIterable<T>,
  progress: Progress,
  weight: (item: T) => number = () => 1,
): AsyncIterable<T> {
  for await (const item of source) {
    progress.tick(weight(item));
    yield item;
  }
}

export type PassageOptions = { format?: PassageFormat; duplicates?: DuplicatePolicy };

/** The cache key of what a read of the corpus counts: a format or duplicate policy may read the bytes differently. */
function passageKey(options: PassageOptions): string {
  return ["passages", options.format, options.duplicates].filter((k) => k !== undefined).join(".");
}

/**
 * Passages in a corpus, counted once and recorded beside its digest (every shard of a run sizes its range from
 * it, and a later run reuses it while the corpus is unchanged). Counted by the pass that builds the corpus's
 * record index (`passageIndex`), so that pass is the only one.
 */
export function passageCount(env: StageEnv, corpus: string, options: PassageOptions = {}): Promise<number> {
  return env.hasher.derived(corpus, passageKey(options), async () => {
    return (await passageIndex(env, corpus, options)).records;
  });
}

/**
 * The byte-offset record index of a corpus (@xqg/corpus `indexRecords`), built once per digest in one
 * sequential pass and kept in the output's `.xqg-cache/derived/`: a shard's read seeks to its range.
 */
export function passageIndex(
  env: StageEnv,
  corpus: string,
  options: PassageOptions = {},
): Promise<RecordIndex> {
  return env.hasher.derivedJson(corpus, `${passageKey(options)}.index`, () =>
    indexRecords(readPassages(corpus, options)),
  );
}

/** The record index of a generated-queries file, as `passageIndex` (keyed by the read's format and languages). */
export function generatedIndex(
  env: StageEnv,
  generated: string,
  options: { format?: GeneratedFormat; languages?: LanguageNames<string> } = {},
): Promise<RecordIndex> {
  const languages = options.languages ? Object.keys(options.languages).sort().join(",") : undefined;
  const key = ["generated", options.format, languages, "index"].filter((k) => k !== undefined).join(".");
  return env.hasher.derivedJson(generated, key, () => indexRecords(readGeneratedQueries(generated, options)));
}

/**
 * The passages of shard `part` of a corpus: `read()` reads the shard's range of records (anew at each call), from
 * the nearest indexed byte offset before it (never from the first record), and `total` is the corpus's passages.
 */
export async function shardPassages(
  env: StageEnv,
  corpus: string,
  options: PassageOptions,
  part: { index: number; count: number },
) {
  const index = await passageIndex(env, corpus, options);
  const total = index.records;
  const { start, end } = shard({ index: part.index, count: part.count, total });
  return { total, read: () => readPassages(corpus, { ...options, range: { start, end }, index }) };
}

/** A number as it appears in file names and tables: `0.01`, never `1e-2`. */
export function formatAlpha(alpha: number): string {
  return Number.isInteger(alpha) ? String(alpha) : alpha.toFixed(12).replace(/0+$/, "");
}

/**
 * A model as the stages hash and open it: an existing path stays as given; a Hugging Face id (`org/name`) that is
 * no path becomes its snapshot folder in the hub cache, downloaded there first when needed (the HF_* variables
 * apply: HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE).
 */
export async function localModel(dirOrId: string, task: ModelTask, env: StageEnv): Promise<string> {
  if (existsSync(dirOrId) || !isModelId(dirOrId)) return dirOrId;
  const files = await ensureModel(dirOrId, {
    task,
    signal: env.signal,
    onProgress: (event) => {
      if (event.unit !== "bytes" || event.done !== 0) return;
      const { file, total } = event;
      env.log.info(
        `${dirOrId}: downloading ${file}${total === undefined ? "" : ` (${(total / 1e6).toFixed(1)} MB)`}`,
      );
    },
  });
  return files.dir;
}

/** The input files a stage reads, by kind (what names their format setting). */
export interface InputFiles {
  readonly corpus?: string;
  readonly queries?: string;
  readonly generated?: string;
}

const FORMAT_OF = { corpus: "corpusFormat", queries: "queriesFormat", generated: "generatedFormat" } as const;

/** "set corpusFormat: NAME in the config, or --corpus-format NAME". */
function whereToSet(name: InputName, value: string): string {
  const { config, flag } = INPUT_KEYS[name];
  return `set ${config}: ${value} in the config, or ${flag} ${value}`;
}

/**
 * Runs a stage, turning the reader errors that ask a library caller for an option ("pass { format }", "pass
 * { lang }", "pass { languages }") into ones that name the config key and the command-line flag that set it.
 */
export async function withInputHints<T>(files: InputFiles, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof CorpusError) || error.file === undefined) throw error;
    const kind = (Object.keys(FORMAT_OF) as Array<keyof InputFiles>).find((k) => files[k] === error.file);
    if (kind === undefined) throw error;
    const { config, flag } = INPUT_KEYS.languageNames;
    const reason = error.reason
      .replace("pass { format }", whereToSet(FORMAT_OF[kind], "NAME"))
      .replace("pass { lang }", whereToSet("queriesLang", "CODE"))
      .replace("pass { languages }", `name them under ${config}: in the config, or ${flag} code=Name`);
    if (reason === error.reason) throw error;
    throw new CorpusError(reason, {
      file: error.file,
      line: error.line,
      field: error.field,
      code: error.code,
      cause: error,
    });
  }
}
