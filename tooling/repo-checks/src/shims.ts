import { accessSync, constants, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** Commands a fresh machine of the README's kind does not have: package managers beyond npm, compilers. */
export const ABSENT =
  /^(pnpm|pnpx|corepack|yarn|yarnpkg|bun|make|gmake|cmake|ninja|cc|c\+\+|gcc|g\+\+|cpp|clang|clang\+\+|ld|node-gyp|python[0-9.]*|.*-linux-gnu-.*)(-[0-9.]+)?$/;

/**
 * Builds a folder of symlinks to every command on `path` except those matching `ABSENT`, and except any
 * folder for which `skipDir` is true (the repository's own .bootstrap and node_modules/.bin). Returned as a
 * one-entry PATH: on machines where node, npm and pnpm share /usr/bin, dropping folders from PATH cannot
 * hide pnpm, but this can.
 */
export function shimPath(shimDir: string, path: string, skipDir: (dir: string) => boolean): string {
  mkdirSync(shimDir, { recursive: true });
  const seen = new Set<string>();
  for (const dir of path.split(":")) {
    if (dir === "" || skipDir(dir)) continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name) || ABSENT.test(name)) continue;
      const target = join(dir, name);
      try {
        if (!statSync(target).isFile()) continue;
        accessSync(target, constants.X_OK);
      } catch {
        continue;
      }
      seen.add(name);
      symlinkSync(target, join(shimDir, name));
    }
  }
  return shimDir;
}
