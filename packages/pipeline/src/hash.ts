import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { UserError } from "./errors.js";

interface CacheEntry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
  /** Facts derived from the file's content (e.g. its passage count), valid while the digest is. */
  derived?: Record<string, number>;
}

type FileInfo = Pick<CacheEntry, "size" | "mtimeMs" | "ctimeMs" | "ino">;

/**
 * SHA-256 of files and directories, remembering each file's digest by (size, mtime, ctime, inode) so that a
 * re-run does not re-read gigabytes of unchanged embeddings. The ctime is what makes the cache safe: any write
 * to a file, or a `touch` that puts its old mtime back, sets its ctime to now, and nothing can set it back, so
 * an edited file is always hashed again. Only values the file system recorded are compared with each other,
 * never a clock of this machine with another's. The cache is a convenience, never an output.
 */
export class Hasher {
  private constructor(
    private readonly cacheFile: string | undefined,
    private readonly cache: Map<string, CacheEntry>,
    private readonly maxFolderFiles: number,
    private readonly readOnly: boolean,
  ) {}

  /** Values of `derivedJson` already read or computed in this process, by digest and name. */
  private readonly memory = new Map<string, unknown>();

  /**
   * `readOnly`: use what the cache holds, write nothing (not the cache, not derived facts: those stay in memory),
   * for a dry run such as `xqg plan`.
   */
  static async open(
    cacheFile?: string,
    options: { maxFolderFiles?: number; readOnly?: boolean } = {},
  ): Promise<Hasher> {
    const cache = new Map<string, CacheEntry>();
    if (cacheFile) {
      try {
        const entries = JSON.parse(await readFile(cacheFile, "utf8")) as Record<string, CacheEntry>;
        for (const [path, entry] of Object.entries(entries)) cache.set(path, entry);
      } catch {
        // no cache yet, or a torn one from a killed run: start empty
      }
    }
    return new Hasher(
      cacheFile,
      cache,
      options.maxFolderFiles ?? MAX_FOLDER_FILES,
      options.readOnly ?? false,
    );
  }

  /** Digest of a file, or of a directory's files (names and contents, sorted). */
  async hash(path: string): Promise<string> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file or directory" : (error as Error).message;
      throw new UserError(`${path}: ${why}`, { cause: error });
    }
    if (!info.isDirectory() && !info.isFile()) {
      throw new UserError(
        `${path}: not a regular file (a pipe, a device or a socket); xqg reads each input more than once: save it to a file first`,
      );
    }
    if (!info.isDirectory()) return this.hashFile(path, info);
    const digest = createHash("sha256");
    for (const file of await listFiles(path, this.maxFolderFiles)) {
      digest.update(`${relative(path, file)}\0${await this.hashFile(file, await stat(file))}\n`);
    }
    return digest.digest("hex");
  }

  /**
   * A number derived from a file's content (e.g. how many passages a corpus holds), computed once and recorded
   * next to its digest in the cache, so that every shard of a run (and every later run) reuses it while the
   * file is unchanged.
   */
  async derived(path: string, name: string, compute: () => Promise<number>): Promise<number> {
    await this.hash(path);
    const entry = this.cache.get(path);
    const known = entry?.derived?.[name];
    if (known !== undefined) return known;
    const value = await compute();
    if (entry) entry.derived = { ...entry.derived, [name]: value };
    await this.save();
    return value;
  }

  /**
   * A JSON value derived from a file's content (e.g. its byte-offset record index), computed once per digest and
   * kept in a file of its own beside the hash cache (`.xqg-cache/derived/<sha256>.<name>.json`), so that every
   * shard of a run (and every later run) reuses it while the file is unchanged; without a cache file, kept in
   * memory for this process. A torn or unreadable file is computed again.
   */
  async derivedJson<T>(path: string, name: string, compute: () => Promise<T>): Promise<T> {
    const sha256 = await this.hash(path);
    const key = `${sha256}.${name}`;
    const held = this.memory.get(key);
    if (held !== undefined) return held as T;
    const file = this.cacheFile ? join(dirname(this.cacheFile), "derived", `${key}.json`) : undefined;
    if (file) {
      try {
        const value = JSON.parse(await readFile(file, "utf8")) as T;
        this.memory.set(key, value);
        return value;
      } catch {
        // not there yet, or torn by a killed run: computed again below
      }
    }
    const value = await compute();
    this.memory.set(key, value);
    if (file && !this.readOnly) {
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(value));
      await rename(temp, file);
    }
    return value;
  }

  async save(): Promise<void> {
    if (!this.cacheFile || this.readOnly) return;
    await mkdir(dirname(this.cacheFile), { recursive: true });
    const temp = `${this.cacheFile}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(Object.fromEntries(this.cache)));
    await rename(temp, this.cacheFile);
  }

  private async hashFile(path: string, info: FileInfo): Promise<string> {
    const known = this.cache.get(path);
    if (
      known &&
      known.size === info.size &&
      known.mtimeMs === info.mtimeMs &&
      known.ctimeMs === info.ctimeMs &&
      known.ino === info.ino
    ) {
      return known.sha256;
    }
    const digest = createHash("sha256");
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 }))
      digest.update(chunk as Buffer);
    const sha256 = digest.digest("hex");
    this.cache.set(path, {
      ...(known?.sha256 === sha256 && known.derived ? { derived: known.derived } : {}),
      size: info.size,
      mtimeMs: info.mtimeMs,
      ctimeMs: info.ctimeMs,
      ino: info.ino,
      sha256,
    });
    return sha256;
  }
}

/** More files than this is not a model folder (real ones hold a few dozen): refused before hashing them all. */
const MAX_FOLDER_FILES = 100_000;

async function listFiles(dir: string, max: number, root = dir, out: string[] = []): Promise<string[]> {
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const full = join(dir, entry.name);
    // a symlink counts as what it points to (Hugging Face caches link snapshot files to their blobs)
    const kind = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
    if (kind?.isDirectory()) await listFiles(full, max, root, out);
    else if (kind?.isFile()) out.push(full);
    if (out.length > max) {
      throw new UserError(
        `${root}: holds more than ${max.toLocaleString("en")} files, which is not a model folder; point to the folder with the model's files`,
      );
    }
  }
  return out;
}
