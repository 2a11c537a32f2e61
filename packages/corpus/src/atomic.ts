import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface AtomicOptions {
  /** fsync the temp file before the rename, so the output survives a power loss too. Default false. */
  durable?: boolean;
}

/** A temp file name in the same directory as `path`, so that the final rename is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** Moves a finished temp file over `path` (fsync first when `durable`). */
export async function commitTemp(temp: string, path: string, options: AtomicOptions = {}): Promise<void> {
  if (options.durable) {
    const handle = await open(temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  await rename(temp, path);
}

export async function discardTemp(temp: string): Promise<void> {
  await rm(temp, { force: true });
}

/**
 * Writes `data` to `path` through a temp file in the same directory and a rename, so readers see either
 * the old file or the complete new one, never a half-written file. Creates the parent directory.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicOptions = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data);
    await commitTemp(temp, path, options);
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
}
