import type { Device } from "./device.js";
import { Hasher } from "./hash.js";
import { layout } from "./layout.js";
import { releaseAllLeasesSync } from "./lease.js";
import { removeActiveStagingSync } from "./manifest.js";
import type { Logger } from "./progress.js";
import type { StageEnv } from "./stages/common.js";

export interface StageEnvOptions {
  readonly log: Logger;
  /** Run units even when their manifests say they are up to date. */
  readonly force?: boolean;
  /** ONNX Runtime and index threads (0: all cores). */
  readonly threads?: number;
  readonly device?: Device;
  readonly signal?: AbortSignal;
  /**
   * The run's output folder: its hash cache is shared with the run's other processes. Without it the cache lives in
   * memory (one-off commands).
   */
  readonly output?: string;
}

/** What a unit runs with: the logger, the hash cache and the run's knobs. */
export async function openStageEnv(options: StageEnvOptions): Promise<StageEnv> {
  return {
    hasher: await Hasher.open(options.output === undefined ? undefined : layout(options.output).hashCache),
    log: options.log,
    force: options.force ?? false,
    threads: options.threads ?? 0,
    ...(options.device === undefined ? {} : { device: options.device }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/**
 * On a signal, before the process exits: removes the staging of the units this process is running, then
 * releases every lease it holds (synchronous, so it can run in an exit handler). Best effort.
 */
export function releaseRunSync(): void {
  removeActiveStagingSync();
  releaseAllLeasesSync();
}
