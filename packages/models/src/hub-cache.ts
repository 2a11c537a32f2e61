import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve, sep } from "node:path";
import { checkOptions } from "@xqg/core";
import { ModelError } from "./errors.js";

/**
 * Where a model given by Hugging Face id is looked for and fetched from. Every field left out comes from the
 * environment variables huggingface_hub reads (`env`, default `process.env`).
 */
export interface HubOptions {
  /** Branch, tag or commit sha; default "main". */
  revision?: string;
  /** The hub cache; default `HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir?: string;
  /** The hub's address; default `HF_ENDPOINT`, else https://huggingface.co. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer …`; default `HF_TOKEN`. */
  token?: string;
  /** Never touch the network; default true when `HF_HUB_OFFLINE` is 1, true, yes or on. */
  offline?: boolean;
  /** Seconds to wait for the hub to answer a request (not for a whole file); default `HF_HUB_DOWNLOAD_TIMEOUT`, else 10. */
  timeout?: number;
  /** Where the defaults are read from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The hub's address, the revision and the answer timeout (s) used when neither the options nor the environment name one. */
export const HUB_DEFAULTS = { endpoint: "https://huggingface.co", revision: "main", timeout: 10 } as const;

/** HubOptions with every default filled in. */
export interface HubSettings {
  revision: string;
  cacheDir: string;
  endpoint: string;
  token: string | undefined;
  offline: boolean;
  timeout: number;
}

const HUB_KEYS = ["revision", "cacheDir", "endpoint", "token", "offline", "timeout", "env"] as const;

const TRUE_VALUES = new Set(["1", "true", "yes", "on"]);

/** The hub cache folder huggingface_hub uses for these environment variables. */
export function hubCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const explicit = env["HF_HUB_CACHE"] || env["HUGGINGFACE_HUB_CACHE"];
  if (explicit) return resolve(expandHome(explicit));
  const home = env["HF_HOME"] || join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "huggingface");
  return resolve(expandHome(home), "hub");
}

/** HubOptions with the environment's values (and then HUB_DEFAULTS) filled in. */
export function hubSettings(opts: HubOptions = {}): HubSettings {
  checkOptions(opts, HUB_KEYS, "hub options");
  const env = opts.env ?? process.env;
  const revision = opts.revision ?? HUB_DEFAULTS.revision;
  if (!isRevision(revision)) {
    throw new ModelError(
      `revision must be a branch, tag or commit sha without "..", got ${JSON.stringify(revision)}`,
      { code: "invalid-option" },
    );
  }
  const timeout =
    opts.timeout ??
    (env["HF_HUB_DOWNLOAD_TIMEOUT"] ? Number(env["HF_HUB_DOWNLOAD_TIMEOUT"]) : HUB_DEFAULTS.timeout);
  if (!(timeout > 0 && Number.isFinite(timeout))) {
    throw new ModelError(
      `the hub timeout (HF_HUB_DOWNLOAD_TIMEOUT) must be a positive number of seconds, got ${JSON.stringify(opts.timeout ?? env["HF_HUB_DOWNLOAD_TIMEOUT"])}`,
      { code: "invalid-option" },
    );
  }
  return {
    revision,
    cacheDir: opts.cacheDir === undefined ? hubCacheDir(env) : resolve(expandHome(opts.cacheDir)),
    endpoint: (opts.endpoint ?? (env["HF_ENDPOINT"] || HUB_DEFAULTS.endpoint)).replace(/\/+$/, ""),
    token: opts.token ?? (env["HF_TOKEN"] || undefined),
    offline: opts.offline ?? TRUE_VALUES.has((env["HF_HUB_OFFLINE"] ?? "").trim().toLowerCase()),
    timeout,
  };
}

/**
 * Whether `s` has the shape of a Hugging Face model id, `org/name` (letters, digits, `-`, `_`, `.`; no `--` or
 * `..`). Paths such as `./x/y`, `../x`, `/abs/x` or `a/b/c` are never ids.
 */
export function isModelId(s: string): boolean {
  if (s.length > 96 || s.includes("--") || s.includes("..")) return false;
  return /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(s) && !s.endsWith(".");
}

/** The cache folder of one repository: `<cache>/models--org--name`. */
export function repoCacheDir(cacheDir: string, id: string): string {
  return join(cacheDir, `models--${id.split("/").join("--")}`);
}

/** `org/name` when `dir` is a snapshot folder of a hub cache (`…/models--org--name/snapshots/<sha>`). */
export function idOfSnapshot(dir: string): string | undefined {
  const parts = resolve(dir).split(sep);
  const at = parts.length - 3;
  if (at < 0 || parts[at + 1] !== "snapshots") return undefined;
  const match = /^models--(.+?)--(.+)$/.exec(parts[at]!);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

export function isCommitSha(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** Where a revision's snapshot is (or would be): `refs/<revision>` names the commit, unless it is one. */
export function snapshotLocation(
  id: string,
  hub: Pick<HubSettings, "cacheDir" | "revision">,
): { repoDir: string; ref: string; snapshot: string | undefined } {
  const repoDir = repoCacheDir(hub.cacheDir, id);
  const ref = join(repoDir, "refs", ...hub.revision.split("/"));
  let sha: string | undefined;
  if (isCommitSha(hub.revision)) sha = hub.revision;
  else if (existsSync(ref) && statSync(ref).isFile()) {
    const text = readFileSync(ref, "utf8").trim();
    if (isCommitSha(text)) sha = text;
  }
  const snapshot = sha === undefined ? undefined : join(repoDir, "snapshots", sha);
  return {
    repoDir,
    ref,
    snapshot: snapshot && existsSync(snapshot) && statSync(snapshot).isDirectory() ? snapshot : undefined,
  };
}

function isRevision(revision: string): boolean {
  return (
    revision.length > 0 &&
    !revision.includes("..") &&
    !revision.startsWith("/") &&
    !revision.endsWith("/") &&
    /^[\w.\-/]+$/.test(revision)
  );
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}
