import { exec } from "./exec.js";
import type { Manifest } from "./workspace.js";

export interface Tarball {
  path: string;
  /** Paths inside the package, without the leading `package/`. */
  files: string[];
  manifest: Manifest;
  read(file: string): string;
}

/** Opens an npm tarball (`package/...` inside a .tgz) for inspection, with the system tar. */
export function readTarball(path: string): Tarball {
  const cwd = process.cwd();
  const read = (file: string) => exec("tar", ["-xzOf", path, `package/${file}`], { cwd }).stdout;
  const files = exec("tar", ["-tzf", path], { cwd })
    .stdout.split("\n")
    .filter((f) => f !== "")
    .map((f) => f.replace(/^package\//, ""));
  return { path, files, manifest: JSON.parse(read("package.json")) as Manifest, read };
}
