// Docs that are short and true: every package README opens with a table of its API whose names the package
// exports, every option a README's options tables name exists in the package's types, the Node/ESM facts are
// said once (the root README), and ARCHITECTURE.md names files and packages that exist.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  exportedNames,
  isDeclaredMember,
  readText,
  repositoryPaths,
  section,
  tableNames,
} from "../src/docs.js";
import { publishedPackages, ROOT, workspacePackages } from "../src/workspace.js";

const packages = publishedPackages();

describe.each(packages.map((p) => [p.name, p] as const))("%s README", (_name, p) => {
  const readme = readFileSync(join(p.dir, "README.md"), "utf8");

  it("has an API table whose every name the package exports", () => {
    const api = section(readme, /^API\b/);
    expect(api, "a `## API` section with a table (name | what it does)").toBeDefined();
    const names = tableNames(api!);
    expect(names.length).toBeGreaterThan(0);
    const exported = exportedNames(p);
    // `encoder.encode(...)`: a method of what an export returns
    const known = (name: string) => {
      const [head, ...rest] = name.split(".");
      return exported.has(head!) || (rest.length > 0 && isDeclaredMember(p, rest.at(-1)!));
    };
    expect(names.filter((n) => !known(n))).toEqual([]);
  });

  it("puts the API table before the long sections", () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    const api = headings.findIndex((h) => /^API\b/.test(h));
    expect(api, headings.join(" / ")).toBeLessThanOrEqual(3);
  });

  it("names only options that exist in the package's types", () => {
    const options = section(readme, /^Options\b/);
    if (options === undefined) return;
    const names = tableNames(options);
    // options a package takes from @xqg/core's shared types (onProgress, signal) count as its own
    const core = packages.find((q) => q.name === "@xqg/core")!;
    const declared = (name: string) => {
      const n = name.split(".").at(-1)!;
      return isDeclaredMember(p, n) || isDeclaredMember(core, n) || exportedNames(p).has(n);
    };
    expect(names.filter((n) => !declared(n))).toEqual([]);
  });

  it("leaves the Node/ESM paragraph to the root README (one line pointing there)", () => {
    expect(readme).not.toMatch(/maintained LTS lines|CommonJS code can|ESM-first/);
    expect(readme).toMatch(/Node\.js 22 and 24.*root README/);
  });
});

describe("root README", () => {
  it("says the Node and ESM facts once", () => {
    expect(readText("README.md")).toMatch(/ESM/);
  });
});

describe("ARCHITECTURE.md", () => {
  const text = readText("ARCHITECTURE.md");

  it("names only files that exist", () => {
    expect(repositoryPaths(text).filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it("names only packages of the workspace", () => {
    const names = new Set(workspacePackages().map((p) => p.name));
    const named = [...text.matchAll(/`(@xqg\/[a-z-]+)`/g)].map((m) => m[1]!);
    expect([...new Set(named.filter((n) => !names.has(n)))]).toEqual([]);
  });

  it("names package files (`src/…`, `test/…`) that exist in some package", () => {
    const dirs = workspacePackages().map((p) => p.dir);
    const files = [...text.matchAll(/`((?:src|test)\/[\w./-]+)`/g)].map((m) => m[1]!);
    expect(files.filter((path) => !dirs.some((dir) => existsSync(join(dir, path))))).toEqual([]);
  });

  it("states the glossary, with names every package uses", () => {
    const glossary = section(text, /^Glossary/);
    expect(glossary).toBeDefined();
    for (const word of [
      "relevance",
      "Run",
      "scoreOfRank",
      "float16",
      "dimensions",
      "threads",
      "batchSize",
      "onProgress",
      "AbortSignal",
    ])
      expect(glossary).toContain(word);
  });
});
