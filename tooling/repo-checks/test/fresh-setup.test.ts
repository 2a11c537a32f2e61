// The README's first command from a fresh clone on a machine with only Node and npm: no pnpm anywhere on
// PATH and no compiler, then the changesets release flow's commands in that clone. It runs once per suite
// (on the Node 24 pass): what it checks does not depend on the Node that runs vitest.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyWorkingTree } from "../src/clone.js";
import { exec, userEnv } from "../src/exec.js";
import { shimPath } from "../src/shims.js";
import { type Manifest, publishedPackages, ROOT } from "../src/workspace.js";

const skip =
  process.env["XQG_NODE_LINE"] === "22"
    ? "SKIPPED on the Node 22 pass: the fresh-clone set-up and release flow run once per suite, on the Node 24 pass"
    : undefined;
if (skip) console.warn(skip);

describe.skipIf(skip)("a fresh clone with only Node and npm", () => {
  const work = mkdtempSync(join(tmpdir(), "xqg-fresh-"));
  const clone = join(work, "xqg");
  // Every command on this process's PATH except pnpm & co. and compilers, and nothing this checkout installed.
  const inside = (dir: string) => !relative(ROOT, dir).startsWith("..") || dir.includes("node_modules");
  const path = shimPath(join(work, "bin"), process.env["PATH"] ?? "", inside);
  const env = userEnv({ PATH: path });
  const sh = (command: string) => exec("sh", ["-c", command], { cwd: clone, env });

  beforeAll(() => copyWorkingTree(clone));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("has no pnpm, corepack or compiler on its PATH", () => {
    for (const tool of ["pnpm", "corepack", "gcc", "g++", "cc", "make", "python3"]) {
      expect(sh(`command -v ${tool} || echo absent`).stdout.trim(), tool).toBe("absent");
    }
    for (const tool of ["node", "npm", "git", "tar"]) {
      expect(sh(`command -v ${tool} || echo absent`).stdout.trim(), tool).toMatch(/^\//);
    }
  });

  it("`npm run example` installs, builds and runs the quick start", () => {
    const r = exec("npm", ["run", "example"], { cwd: clone, env });
    // nothing compiles at install, and pnpm has no build script to warn about (onnxruntime-node, protobufjs, …)
    expect(r.stdout + r.stderr).not.toMatch(/Ignored build scripts/);
    const golden = readFileSync(
      join(ROOT, "tooling", "repo-checks", "golden", "quickstart-report.md"),
      "utf8",
    );
    expect(r.stdout).toContain(golden);
    expect(readFileSync(join(clone, "examples", "quickstart", "out", "report", "report.md"), "utf8")).toBe(
      golden,
    );
    // When the machine's Node is older than 22, the scripts fetched a supported one.
    const machineMajor = Number(
      exec("node", ["-p", "process.versions.node.split('.')[0]"], { cwd: clone, env }).stdout,
    );
    if (machineMajor < 22) expect(r.stderr).toMatch(/fetching Node 24\.\d+\.\d+/);
  });

  it("`npm run version-packages` (changeset version) releases every package as 0.1.0", () => {
    exec("npm", ["run", "version-packages"], { cwd: clone, env });
    for (const p of publishedPackages()) {
      const dir = join(clone, relative(ROOT, p.dir));
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
      expect(manifest.version, p.name).toBe("0.1.0");
      const changelog = readFileSync(join(dir, "CHANGELOG.md"), "utf8");
      expect(changelog.startsWith(`# ${p.name}\n\n## 0.1.0\n`), `${p.name} CHANGELOG.md`).toBe(true);
      for (const [dep, range] of Object.entries((manifest["dependencies"] ?? {}) as Record<string, string>)) {
        if (dep.startsWith("@xqg/")) expect(range, `${p.name} → ${dep}`).toBe("workspace:^");
      }
    }
    expect(sh("ls .changeset").stdout.trim().split("\n").sort()).toEqual(["README.md", "config.json"]);
    // Private tooling packages are not versioned.
    expect(
      JSON.parse(readFileSync(join(clone, "tooling", "test-utils", "package.json"), "utf8")).version,
    ).toBe("0.0.0");
  });

  it("`npm run release -- --dry-run` builds and packs every package for publishing", () => {
    const r = exec("npm", ["run", "release", "--", "--dry-run"], { cwd: clone, env });
    const out = r.stdout + r.stderr;
    for (const p of publishedPackages()) expect(out, p.name).toContain(`${p.name}@0.1.0`);
  });
});
