import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDataPath, sharedDigest } from "../../scripts/shared-digest.mjs";

/** The repository root: this file is tooling/test-utils/src/shared.ts. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/**
 * Where the shared data is, given the environment and the repository root:
 * - `XQG_SHARED_DIR` set (relative paths are taken from the repository root): its `data` folder, and an error
 *   when that folder does not exist — an explicit path that is wrong must fail, not skip;
 * - otherwise `../shared/data` beside the repository root, or undefined where there is none. Nothing else: the
 *   search does not climb to other ancestors, so a stray `shared/data` elsewhere is never picked up.
 */
export function locateSharedData(
  env: Readonly<Record<string, string | undefined>>,
  repoRoot: string,
): string | undefined {
  const fromEnv = env["XQG_SHARED_DIR"];
  if (fromEnv) {
    const data = resolve(repoRoot, fromEnv, "data");
    if (!isDirectory(data))
      throw new Error(
        `XQG_SHARED_DIR=${fromEnv}: ${data} does not exist (unset XQG_SHARED_DIR to use ../shared)`,
      );
    return data;
  }
  const beside = resolve(repoRoot, "..", "shared", "data");
  return isDirectory(beside) ? beside : undefined;
}

/**
 * Under turbo (which sets TURBO_HASH), the cached test result is only as fresh as its hash: turbo cannot hash
 * ../shared, so env.sh exports XQG_SHARED_DIGEST and turbo.json lists it. A run without it, or with a stale
 * one, could replay a pass made on other data, so it fails here instead.
 */
export function checkSharedDigest(
  env: Readonly<Record<string, string | undefined>>,
  data: string | undefined,
): void {
  if (env["TURBO_HASH"] === undefined) return;
  const actual = sharedDigest(data ?? sharedDataPath(env, REPO_ROOT));
  if (env["XQG_SHARED_DIGEST"] !== actual)
    throw new Error(
      `XQG_SHARED_DIGEST is ${env["XQG_SHARED_DIGEST"] === undefined ? "unset" : `"${env["XQG_SHARED_DIGEST"]}"`} but the shared data's digest is "${actual}": ` +
        "run turbo through tooling/scripts/pnpm.sh (npm run test:packages), which exports it, so that turbo's cache key covers ../shared",
    );
}

let digestChecked = false;

function findShared(): string | undefined {
  if (!existsSync(join(REPO_ROOT, "pnpm-workspace.yaml")))
    throw new Error(`${REPO_ROOT} is not the repository root (no pnpm-workspace.yaml); did shared.ts move?`);
  const found = locateSharedData(process.env, REPO_ROOT);
  if (!digestChecked) {
    checkSharedDigest(process.env, found);
    digestChecked = true;
  }
  return found;
}

/**
 * Path of the shared data folder (`../shared/data`), or undefined where this clone has none.
 * Set XQG_SHARED_DIR to point somewhere else (then a wrong path throws instead of skipping).
 */
export function sharedDataDir(): string | undefined {
  return findShared();
}

/**
 * Undefined when `../shared/data/<sub>` is present; a printable reason when this clone has no ../shared at
 * all (a fresh clone elsewhere). Tests use it as `describe.skipIf(reason)(...)` after
 * `if (reason) console.warn(reason)`, so a skip is never silent. Where ../shared exists but `sub` does not,
 * it throws: CI always has ../shared, so missing data there is a failure, never a skip.
 */
export function sharedSkipReason(sub: string): string | undefined {
  const found = findShared();
  if (!found) return `SKIPPED: ../shared/data not found (set XQG_SHARED_DIR); needed for ${sub}`;
  if (!existsSync(join(found, sub))) throw new Error(`${join(found, sub)} is missing from the shared data`);
  return undefined;
}
