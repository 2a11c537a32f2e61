import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this package lives in tooling/repo-checks). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  [field: string]: unknown;
}

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: Manifest;
}

/** Every package of the workspace (packages/*, apps/*, tooling/*), read from disk. */
export function workspacePackages(): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const group of ["packages", "apps", "tooling"]) {
    for (const entry of readdirSync(join(ROOT, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(ROOT, group, entry.name);
      let manifest: Manifest;
      try {
        manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
      } catch {
        continue;
      }
      out.push({ name: manifest.name, dir, manifest });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The packages that go to npm (not private). */
export function publishedPackages(): WorkspacePackage[] {
  return workspacePackages().filter((p) => p.manifest.private !== true);
}
