// hnswlib-node, the benchmark's anchor, installed on demand: it compiles with node-gyp at install, so it is no
// dependency of this package (a machine without a C++ compiler must install the workspace). The benchmark
// installs the pinned version into packages/ann/.bench-cache/hnswlib (gitignored) the first time it needs it,
// with npm, and loads it from there by path; when that fails the anchor is skipped with the reason.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const HNSWLIB_VERSION = "3.0.0";
const SPEC = `hnswlib-node@${HNSWLIB_VERSION}`;
const PREFIX = join(dirname(fileURLToPath(import.meta.url)), "..", ".bench-cache", "hnswlib");
const PACKAGE_DIR = join(PREFIX, "node_modules", "hnswlib-node");

/** The part of hnswlib-node 3.0.0's API the benchmark uses, declared here since the package is not installed
 * with the workspace. */
export interface HierarchicalNSW {
  initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
  addPoint(point: number[], label: number): void;
  setEf(ef: number): void;
  searchKnn(query: number[], k: number): { distances: number[]; neighbors: number[] };
}

export interface Hnswlib {
  HierarchicalNSW: new (spaceName: "l2" | "ip" | "cosine", numDimensions: number) => HierarchicalNSW;
}

/** Loads hnswlib-node from the cache, by path (never another copy found up the tree); throws when it is absent,
 * another version, or its native addon does not load. */
export function loadHnswlib(): Hnswlib {
  const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as {
    version: string;
  };
  if (version !== HNSWLIB_VERSION)
    throw new Error(`${PACKAGE_DIR} holds hnswlib-node ${version}, not ${HNSWLIB_VERSION}`);
  return createRequire(import.meta.url)(PACKAGE_DIR) as Hnswlib;
}

/** Why `npm install` failed, in one line: node-gyp's error and the first line before it that names a missing
 * tool or file (no compiler, no Python), else npm's own last error line (network, registry). */
function installFailure(output: string, status: number | null): string {
  const lines = output
    .split("\n")
    .map((l) => l.replace(/^npm (error|ERR!) /, "").trim())
    .filter((l) => l !== "");
  const firstGyp = lines.findIndex((l) => l.startsWith("gyp ERR!"));
  const before = firstGyp < 0 ? lines : lines.slice(0, firstGyp);
  const cause =
    before.find((l) => /no such file|not found|command not found/i.test(l)) ??
    before.findLast((l) => /error|fail/i.test(l) && !l.startsWith("gyp info"));
  const gyp = lines
    .find((l) => l.startsWith("gyp ERR! stack Error:"))
    ?.replace("gyp ERR! stack ", "node-gyp: ");
  const why = [gyp, cause].filter((l) => l !== undefined).join("; ");
  const hint = firstGyp < 0 ? "" : " (building it needs a C++ compiler, make and Python)";
  return `npm install ${SPEC} failed with exit code ${status}${why ? `: ${why}` : ""}${hint}`;
}

/**
 * Makes sure hnswlib-node is installed in packages/ann/.bench-cache/hnswlib and loads: installs it with
 * `npm install --no-save --prefix … hnswlib-node@3.0.0` (which compiles it) when it does not. Returns
 * `{ ok: false, reason }` instead of throwing, so that the benchmark can run the other contenders.
 */
export function ensureHnswlib(): { ok: true } | { ok: false; reason: string } {
  try {
    loadHnswlib();
    return { ok: true };
  } catch {
    // not installed yet, or a failed install left it without its addon: (re)install
  }
  const where = relative(process.cwd(), PREFIX) || ".";
  console.error(`installing ${SPEC} into ${where} (npm; node-gyp compiles it) ...`);
  mkdirSync(PREFIX, { recursive: true });
  const npm = spawnSync(
    "npm",
    ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", PREFIX, SPEC],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32" },
  );
  if (npm.error) return { ok: false, reason: `npm could not be started: ${npm.error.message}` };
  if (npm.status !== 0)
    return { ok: false, reason: installFailure(`${npm.stdout}\n${npm.stderr}`, npm.status) };
  try {
    loadHnswlib();
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      reason: `installed, but it does not load: ${(error as Error).message.split("\n")[0]}`,
    };
  }
}
