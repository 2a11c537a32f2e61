import { chmodSync, copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { exec } from "./exec.js";
import { ROOT } from "./workspace.js";

/**
 * Copies what a clone of this working tree would hold (tracked files plus untracked files git does not
 * ignore, so uncommitted work is checked too) into `dest`, and commits it there as a fresh repository.
 * Nothing built or installed comes along: no node_modules, dist or .bootstrap.
 */
export function copyWorkingTree(dest: string): void {
  const listed = exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT });
  for (const file of listed.stdout.split("\0")) {
    if (file === "") continue;
    const from = join(ROOT, file);
    let mode: number;
    try {
      mode = statSync(from).mode;
    } catch {
      continue; // deleted in the working tree, not yet in the index
    }
    const to = join(dest, file);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    chmodSync(to, mode);
  }
  const git = (...args: string[]) => exec("git", args, { cwd: dest });
  git("init", "--quiet", "--initial-branch=main");
  git("add", "--all");
  git("-c", "user.name=xqg", "-c", "user.email=xqg@localhost", "commit", "--quiet", "--message", "snapshot");
}
