import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pnpm } from "./exec.js";
import { readTarball, type Tarball } from "./tarball.js";
import { publishedPackages } from "./workspace.js";

/** `pnpm pack` of every published package into `dest` (built dist/ expected), by package name. */
export function packAll(dest: string): Map<string, Tarball> {
  mkdirSync(dest, { recursive: true });
  for (const p of publishedPackages()) pnpm(["pack", "--pack-destination", dest], { cwd: p.dir });
  const out = new Map<string, Tarball>();
  for (const file of readdirSync(dest).sort()) {
    const t = readTarball(join(dest, file));
    out.set(t.manifest.name, t);
  }
  return out;
}
