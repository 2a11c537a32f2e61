// A digest of the shared test data ($XQG_SHARED_DIR/data, else ../shared/data beside the repository root), or
// "none" where there is none. turbo cannot hash files outside the repository, so env.sh exports this as
// XQG_SHARED_DIGEST, which the test task lists in its env: a change to the shared data reruns the tests.
// `node tooling/scripts/shared-digest.mjs` prints it; @xqg/test-utils checks it under turbo.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "..", "..", "..");

/** The shared data folder the tests read (relative XQG_SHARED_DIR from the repository root). */
export function sharedDataPath(env = process.env, root = REPO_ROOT) {
  const fromEnv = env.XQG_SHARED_DIR;
  return fromEnv ? resolve(root, fromEnv, "data") : resolve(root, "..", "shared", "data");
}

/** sha256 over every file's relative path and bytes, in sorted order; "none" when `dir` is not a folder. */
export function sharedDigest(dir) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return "none";
  const files = [];
  const walk = (rel) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk("");
  const hash = createHash("sha256");
  for (const path of files.sort())
    hash
      .update(`${path}\0`)
      .update(readFileSync(join(dir, path)))
      .update("\0");
  return hash.digest("hex").slice(0, 32);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  console.log(sharedDigest(sharedDataPath()));
