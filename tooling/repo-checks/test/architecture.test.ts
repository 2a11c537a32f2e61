// The import rules of ARCHITECTURE.md, checked against every package.json and every import in every src/ file,
// and the package-graph picture there against the package.json files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { mermaid, packageGraph, withGraph } from "../../scripts/package-graph.mjs";
import { publishedPackages, ROOT, type WorkspacePackage } from "../src/workspace.js";

const architecture = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");

/** package name → layer, from the table in ARCHITECTURE.md (`| 1 | `@xqg/corpus`, ... |`). */
function layers(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of architecture.split("\n")) {
    const row = /^\|\s*(\d+)\s*\|(.*)\|\s*$/.exec(line);
    if (!row) continue;
    for (const name of row[2]!.matchAll(/`([^`]+)`/g)) out.set(name[1]!, Number(row[1]));
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !/\.test\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and import() with a string literal. */
function specifiers(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/g))
    out.push(m[1]!);
  for (const m of code.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g)) out.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

const packageName = (specifier: string): string => {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
};

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function dependencies(p: WorkspacePackage): string[] {
  return Object.keys({
    ...((p.manifest["dependencies"] ?? {}) as object),
    ...((p.manifest["peerDependencies"] ?? {}) as object),
  });
}

describe("ARCHITECTURE.md's layers", () => {
  const layer = layers();

  it("name every published package once", () => {
    expect([...layer.keys()].sort()).toEqual(
      publishedPackages()
        .map((p) => p.name)
        .sort(),
    );
  });

  it.each(publishedPackages().map((p) => [p.name, p] as const))(
    "%s depends only on lower layers",
    (name, p) => {
      const own = layer.get(name)!;
      for (const dep of dependencies(p).filter((d) => layer.has(d))) {
        expect(layer.get(dep), `${name} (layer ${own}) → ${dep} (layer ${layer.get(dep)})`).toBeLessThan(own);
      }
    },
  );
});

describe("imports in src/", () => {
  it.each(publishedPackages().map((p) => [p.name, p] as const))(
    "%s imports only built-ins, its own files and its declared dependencies",
    (_name, p) => {
      const allowed = new Set(dependencies(p));
      const problems: string[] = [];
      for (const file of sourceFiles(join(p.dir, "src"))) {
        const where = relative(ROOT, file);
        for (const spec of specifiers(readFileSync(file, "utf8"))) {
          if (spec.startsWith(".")) {
            const target = resolve(file, "..", spec);
            if (relative(p.dir, target).startsWith(".."))
              problems.push(`${where}: ${spec} leaves the package`);
            continue;
          }
          if (builtins.has(spec) || builtins.has(packageName(spec))) continue;
          const dep = packageName(spec);
          if (!allowed.has(dep)) problems.push(`${where}: ${spec} is not a dependency of ${p.name}`);
          else if (dep.startsWith("@xqg/") && spec !== dep)
            problems.push(`${where}: ${spec} reaches into ${dep}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it("the import scanner sees every form the code uses", () => {
    const code = [
      'import { a } from "@xqg/core";',
      'import type { B } from "node:fs";',
      'export { c } from "./c.js";',
      'import "./side-effect.js";',
      'const m = await import("usearch");',
      "import {\n  d,\n  e,\n} from '@xqg/corpus';",
    ].join("\n");
    expect(specifiers(code).sort()).toEqual(
      ["./c.js", "./side-effect.js", "@xqg/core", "@xqg/corpus", "node:fs", "usearch"].sort(),
    );
  });
});

describe("the package-graph picture", () => {
  it("is the graph of the package.json files (`node tooling/scripts/package-graph.mjs --write` redraws it)", () => {
    expect(architecture).toBe(withGraph(architecture, mermaid(packageGraph())));
  });
});
