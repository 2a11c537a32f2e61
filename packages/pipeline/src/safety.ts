import { lstat, mkdir, readdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { UserError } from "./errors.js";
import { isLeaseHeld } from "./lease.js";

/**
 * Where a path leads: its real location (symlinks and `..` resolved) and, when it exists, its inode and kind
 * (`"other"`: a FIFO, a device such as /dev/zero, a socket, a shell's `<(…)`).
 */
async function identity(
  path: string,
): Promise<{ real: string; dev?: number; ino?: number; kind?: "file" | "directory" | "other" }> {
  const absolute = resolve(path);
  try {
    const info = await stat(absolute);
    const kind = info.isFile() ? "file" : info.isDirectory() ? "directory" : "other";
    return { real: await realpath(absolute), dev: info.dev, ino: info.ino, kind };
  } catch {
    // not there yet: the real folder it would be written in, plus its name
    try {
      return { real: join(await realpath(dirname(absolute)), basename(absolute)) };
    } catch {
      return { real: absolute };
    }
  }
}

const within = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
};

/**
 * Refuses, before any work, an output that is one of the inputs or lies inside an input folder (a model
 * directory), however it is spelled: through a symlink, `..`, or a hard link to the same file.
 */
export async function refuseOverwritingInputs(
  stage: string,
  inputs: Readonly<Record<string, string>>,
  outputs: readonly string[],
): Promise<void> {
  const ins = await Promise.all(
    Object.entries(inputs).map(async ([role, path]) => ({ role, path, id: await identity(path) })),
  );
  for (const input of ins) {
    if (input.id.kind === "other") throw new UserError(irregularInput(stage, input.role, input.path));
  }
  for (const output of outputs) {
    const out = await identity(output);
    for (const input of ins) {
      const sameFile = out.ino !== undefined && out.ino === input.id.ino && out.dev === input.id.dev;
      if (sameFile || out.real === input.id.real) {
        throw new UserError(
          `${stage}: the output ${output} would overwrite the input ${input.path} (${input.role}); write it elsewhere`,
        );
      }
      if (within(input.id.real, out.real)) {
        throw new UserError(
          `${stage}: the output ${output} lies inside the input ${input.path} (${input.role}); write it elsewhere`,
        );
      }
    }
  }
}

/**
 * Refuses, before any work, a file output named by a folder: one that exists as a folder, or a path ending in
 * `/` (the work would be done, then fail to move into place, naming a staging path); and an output that exists
 * but is not a regular file (`/dev/null`, a FIFO), which the rename into place would replace.
 */
export async function refuseFolderOutputs(stage: string, outputs: readonly string[]): Promise<void> {
  for (const output of outputs) {
    const slash = output.endsWith("/") || output.endsWith(sep);
    const kind = slash ? undefined : (await identity(output)).kind;
    if (slash || kind === "directory") {
      const what = slash ? `ends with "${output.at(-1)}", a folder` : "is a folder";
      throw new UserError(`${stage}: the output ${output} ${what}; name the file to write`);
    }
    // /dev/null, a FIFO: the rename that puts a finished output in place would replace the device itself
    if (kind === "other") {
      throw new UserError(
        `${stage}: the output ${output} is not a regular file (a device, a pipe or a socket); xqg writes a file ` +
          "and renames it into place, which would replace it: name a file (or - for standard output where taken)",
      );
    }
  }
}

/**
 * Deletes a staging folder `<dir>/.xqg-staging/<key>` that xqg made, never through a symlink: if
 * `.xqg-staging` or `<key>` is not a real folder, it refuses instead of following it. Inside, `rm` removes
 * links themselves, never what they point to.
 */
export async function removeStaging(staging: string): Promise<void> {
  const parent = dirname(staging);
  for (const path of [parent, staging]) {
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(path);
    } catch {
      return; // nothing to delete
    }
    if (!info.isDirectory()) {
      throw new UserError(
        `${path}: is a ${info.isSymbolicLink() ? "symlink" : "file"}, not the staging folder xqg makes; move it away (xqg never deletes through links)`,
      );
    }
  }
  await rm(staging, { recursive: true, force: true });
}

/** Why an input that is not a regular file (or a model folder) is refused, in one line. */
export function irregularInput(stage: string, role: string, path: string): string {
  return (
    `${stage}: the input ${path} (${role}) is not a regular file (a pipe, a device or a socket, e.g. <(…) or ` +
    "/dev/zero); xqg reads each input more than once (its digest, its size, its records): save it to a file first"
  );
}

/** The file in a staging folder that names the manifest of the unit it belongs to (whose lease guards it). */
const STAGING_OWNER = ".xqg-owner";

/**
 * Makes a fresh staging folder, refusing to create it through a symlinked `.xqg-staging`, and records in it the
 * manifest of the unit that owns it, so that a run cleaning up abandoned staging can check that unit's lease
 * even when the unit is not one of its own (a one-off command writing into a run's output folder).
 */
export async function makeStaging(staging: string, manifest: string): Promise<void> {
  await removeStaging(staging);
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, STAGING_OWNER), `${resolve(manifest)}\n`);
}

/**
 * Removes staging left by killed runs, of units no live run holds now (it would otherwise stay forever once the
 * config changes: tens of GB at full scale). Staging whose unit's lease a live process holds is never removed:
 * its owner is read from the staging folder itself, else taken to be the run's own unit of that key.
 */
export async function removeAbandonedStaging(
  out: string,
  manifestOf: (key: string) => string,
): Promise<void> {
  for (const { path, key } of await stagingFolders(out)) {
    const owner = (await readFile(join(path, STAGING_OWNER), "utf8").catch(() => "")).trim();
    if (!(await isLeaseHeld(owner || manifestOf(key)))) await removeStaging(path);
  }
}

export const OUTPUT_MARKER = ".xqg-output";

/**
 * Claims a folder as an xqg output: a new or empty folder gets the marker file; one that already has it is
 * fine; any other non-empty folder (e.g. `output: /`, or a folder of the user's own files) is refused, so that
 * same-named files there are never overwritten.
 */
export async function claimOutputDir(dir: string, where: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UserError(`${where}: cannot use ${dir} as the output folder (${(error as Error).message})`, {
        cause: error,
      });
    }
    entries = [];
  }
  if (entries.includes(OUTPUT_MARKER)) return;
  if (entries.length > 0) {
    throw new UserError(
      `${where}: ${dir} is not empty and is not an xqg output folder (it has no ${OUTPUT_MARKER}); choose a new or empty folder`,
    );
  }
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, OUTPUT_MARKER),
    "This folder is written by xqg (https://github.com/xqg/xqg). xqg writes only into folders marked so.\n",
  );
}

/** Staging folders `<out>/<sub>/.xqg-staging/<key>` of a run's output folder, with their unit's key. */
export async function stagingFolders(out: string): Promise<Array<{ path: string; key: string }>> {
  const found: Array<{ path: string; key: string }> = [];
  let subs: string[];
  try {
    subs = await readdir(out);
  } catch {
    return found;
  }
  for (const sub of subs) {
    const staging = join(out, sub, ".xqg-staging");
    let keys: string[];
    try {
      if (!(await lstat(staging)).isDirectory()) continue;
      keys = await readdir(staging);
    } catch {
      continue;
    }
    for (const key of keys) found.push({ path: join(staging, key), key });
  }
  return found;
}
