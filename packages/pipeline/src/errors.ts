import { constants, existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isXqgError, XqgError, type XqgErrorInit } from "@xqg/core";

/**
 * A mistake the user can fix (bad config, missing file, wrong flag). The CLI prints its message alone, never a
 * stack trace. An `XqgError` of @xqg/core with its constructor shape, `(reason, { code?, file?, line?, field?,
 * cause? })`; `code` is "user" unless given.
 */
export class UserError extends XqgError {
  constructor(reason: string, init: Partial<XqgErrorInit> = {}) {
    super(reason, { code: "user", ...init });
    this.name = "UserError";
  }
}

/** A mistake in the command line itself (an unknown flag, a bad flag value): the CLI exits 2, as Unix tools do. */
export class UsageError extends UserError {
  constructor(reason: string, init: Partial<XqgErrorInit> = {}) {
    super(reason, { code: "usage", ...init });
    this.name = "UsageError";
  }
}

/**
 * Errors the user can fix: every package's errors extend @xqg/core's XqgError (CorpusError, ModelError,
 * AnnError, FusionError, InputError, … and UserError), so the CLI shows their message alone. Anything else is
 * a bug and keeps its stack trace behind XQG_DEBUG.
 */
export function isUserFacing(error: unknown): error is Error {
  return isXqgError(error);
}

/**
 * An input with no records, in the runner's words. The readers of @xqg/corpus say "file is empty (no
 * records)"; the user needs the flag or config key that names the file, since no flag or key lets xqg take an
 * empty input. `named` maps how each input is named ("--corpus", "corpus in exp.yaml") to its paths. Other
 * errors come back as they are.
 */
export function explainEmptyInput(
  error: unknown,
  named: Readonly<Record<string, readonly string[]>>,
): unknown {
  if (!isXqgError(error) || error.code !== "empty-file" || error.file === undefined) return error;
  const file = resolve(error.file);
  const name = Object.entries(named).find(([, paths]) => paths.some((path) => resolve(path) === file))?.[0];
  const what =
    name === undefined
      ? "xqg needs at least one record in it"
      : `${name} must name a file with at least one record`;
  return new UserError(`${error.file}: file is empty (no records); ${what}`, {
    code: "empty-file",
    cause: error,
  });
}

/** What the file-system errors a user's machine causes mean, in the user's words. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
  EMFILE: "too many open files (raise `ulimit -n`)",
  ENAMETOOLONG: "the name is too long",
};

const VERBS: Readonly<Record<string, string>> = {
  mkdir: "cannot create the folder",
  open: "cannot open",
  write: "cannot write",
  rename: "cannot move",
  unlink: "cannot remove",
  rmdir: "cannot remove",
  scandir: "cannot list",
  stat: "cannot read",
  copyfile: "cannot copy",
};

/**
 * A Node.js file-system error (EROFS, ENOSPC, EACCES, …) as one line naming the path and the cause, or
 * undefined when `error` is not one. `mkdir -p` on a read-only file system reports ENOENT: the nearest existing
 * folder is then probed for write access (`probe`), which gives the true cause.
 */
export async function explainSystemError(
  error: unknown,
  probe: (path: string) => Promise<void> = (path) => access(path, constants.W_OK),
): Promise<string | undefined> {
  const e = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof e.code !== "string" || !(e.code in SYSTEM_ERRORS)) return undefined;
  let code = e.code;
  if (code === "ENOENT" && e.syscall === "mkdir" && e.path) {
    let dir = dirname(e.path);
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    try {
      await probe(dir);
    } catch (probed) {
      const probedCode = (probed as NodeJS.ErrnoException).code;
      if (probedCode && probedCode in SYSTEM_ERRORS) code = probedCode;
    }
  }
  const verb = VERBS[e.syscall ?? ""] ?? "cannot use";
  return `${verb} ${e.path ?? "a file"}: ${SYSTEM_ERRORS[code]} (${code})`;
}
