import { lstat, mkdir, readdir, realpath, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { UserError } from "./errors.js";

/** Where a path leads: its real location (symlinks and `..` resolved) and, when it exists, its inode. */
async function identity(path: string): Promise<{ real: string; dev?: number; ino?: number }> {
  const absolute = resolve(path);
  try {
    const info = await stat(absolute);
    return { real: await realpath(absolute), dev: info.dev, ino: info.ino };
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
  for (const output of outputs) {
    const out = await identity(output);
    for (const input of ins) {
      const sameFile = out.ino !== undefined && out.ino === input.id.ino && out.dev === input.id.dev;
      if (sameFile || out.real === input.id.real || within(input.id.real, out.real)) {
        throw new UserError(
          `${stage}: the output ${output} would overwrite the input ${input.path} (${input.role}); write it elsewhere`,
        );
      }
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

/** Makes a fresh staging folder, refusing to create it through a symlinked `.xqg-staging`. */
export async function makeStaging(staging: string): Promise<void> {
  await removeStaging(staging);
  await mkdir(staging, { recursive: true });
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
