import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findShared(): string | undefined {
  const fromEnv = process.env["XQG_SHARED_DIR"];
  if (fromEnv) return existsSync(join(fromEnv, "data")) ? resolve(fromEnv, "data") : undefined;
  // The checkout sits beside ../shared (see DESIGN §6); walk up from this file to find it.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "..", "shared", "data");
    if (existsSync(candidate)) return resolve(candidate);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const found = findShared();

/**
 * Path of the shared data folder (`../shared/data`), or undefined where this clone has none.
 * Set XQG_SHARED_DIR to point somewhere else.
 */
export function sharedDataDir(): string | undefined {
  return found;
}

/**
 * Undefined when `../shared/data/<sub>` is present; a printable reason when this clone has no ../shared at
 * all (a fresh clone elsewhere). Tests use it as `describe.skipIf(reason)(...)` after
 * `if (reason) console.warn(reason)`, so a skip is never silent. Where ../shared exists but `sub` does not,
 * it throws: CI always has ../shared, so missing data there is a failure, never a skip.
 */
export function sharedSkipReason(sub: string): string | undefined {
  if (!found) return `SKIPPED: ../shared/data not found (set XQG_SHARED_DIR); needed for ${sub}`;
  if (!existsSync(join(found, sub))) throw new Error(`${join(found, sub)} is missing from the shared data`);
  return undefined;
}
