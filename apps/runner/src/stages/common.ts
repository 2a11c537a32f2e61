import { existsSync } from "node:fs";
import { readPassages } from "@xqg/corpus";
import { ensureModel, isModelId, type ModelTask } from "@xqg/models";
import type { StageContext } from "../manifest.js";
import type { Progress } from "../progress.js";

/** What every stage receives besides its paths and settings. */
export interface StageEnv extends StageContext {
  /** Threads for ONNX Runtime and the index (0: the library decides). */
  readonly threads: number;
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

/** Counts the items of a stream (e.g. the passages of a corpus, to size shards and progress bars). */
export async function countItems(source: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of source) n++;
  return n;
}

/**
 * Passages in a corpus, counted once and recorded beside its digest (every shard of a run sizes its range from
 * it, and a later run reuses it while the corpus is unchanged).
 */
export function passageCount(env: StageEnv, corpus: string): Promise<number> {
  return env.hasher.derived(corpus, "passages", () => countItems(readPassages(corpus)));
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
    hub: {
      onDownload: ({ id, path, size }) =>
        env.log.info(
          `${id}: downloading ${path}${size === undefined ? "" : ` (${(size / 1e6).toFixed(1)} MB)`}`,
        ),
    },
  });
  return files.dir;
}
