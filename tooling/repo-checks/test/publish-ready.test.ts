// What npm users get in each tarball, and what the workspace promises about every package.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAll } from "../src/pack.js";
import type { Tarball } from "../src/tarball.js";
import { publishedPackages, ROOT, workspacePackages } from "../src/workspace.js";

const ENGINES = ">=22.12.0";
const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
const work = mkdtempSync(join(tmpdir(), "xqg-pack-"));
let tarballs = new Map<string, Tarball>();

beforeAll(() => {
  tarballs = packAll(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it("the root LICENSE is MIT, and every package carries the same file and declares MIT", () => {
  expect(license).toMatch(/^MIT License\n/);
  for (const p of workspacePackages()) {
    expect(p.manifest["license"], p.name).toBe("MIT");
    expect(readFileSync(join(p.dir, "LICENSE"), "utf8"), `${p.name}/LICENSE`).toBe(license);
  }
});

it("every package with engines, and the root, supports Node 22.12+ (the 22 and 24 LTS lines)", () => {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
  expect(root.engines.node).toBe(ENGINES);
  for (const p of publishedPackages())
    expect((p.manifest["engines"] as { node: string }).node, p.name).toBe(ENGINES);
});

it("every README says which Node lines are supported", () => {
  for (const dir of [ROOT, ...publishedPackages().map((p) => p.dir)]) {
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(/Node(\.js)? 22 and 24/.test(readme), `${dir}/README.md names Node 22 and 24`).toBe(true);
  }
});

describe("each packed tarball", () => {
  const names = publishedPackages().map((p) => p.name);

  it.each(names)("%s: metadata a registry page needs", (name) => {
    const m = tarballs.get(name)!.manifest;
    expect(m["license"]).toBe("MIT");
    expect((m["keywords"] as string[]).length).toBeGreaterThan(2);
    expect(m["homepage"]).toMatch(/^https:\/\//);
    expect((m["bugs"] as { url: string }).url).toMatch(/^https:\/\/.*\/issues$/);
    expect(m["repository"]).toMatchObject({ type: "git" });
    expect(m["sideEffects"]).toBe(false);
    expect(m["engines"]).toEqual({ node: ENGINES });
    expect(m["publishConfig"]).toMatchObject({ access: "public" });
  });

  it.each(names)(
    "%s: exports work for import, require and types (an ES module and a CommonJS build)",
    (name) => {
      const m = tarballs.get(name)!.manifest;
      const main = (m["exports"] as Record<string, Record<string, Record<string, string>>>)["."]!;
      expect(main).toEqual({
        import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
        require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
      });
      expect(m["main"]).toBe("./dist/index.cjs");
      expect(m["types"]).toBe("./dist/index.d.cts");
      const files = tarballs.get(name)!.files;
      for (const entry of Object.values(main).flatMap((c) => Object.values(c)))
        expect(files).toContain(entry.replace(/^\.\//, ""));
      // Every ES module file has its CommonJS twin, types included.
      for (const f of files.filter((f) => f.startsWith("dist/") && f.endsWith(".js")))
        expect(files, f).toContain(f.replace(/\.js$/, ".cjs"));
      for (const f of files.filter((f) => f.startsWith("dist/") && f.endsWith(".d.ts")))
        expect(files, f).toContain(f.replace(/\.d\.ts$/, ".d.cts"));
    },
  );

  it.each(names)("%s: ships LICENSE and README, no tests, no sources maps can't show", (name) => {
    const t = tarballs.get(name)!;
    expect(t.read("LICENSE")).toBe(license);
    expect(t.files).toContain("README.md");
    expect(t.files.filter((f) => /(^|\/)test\/|\.test\.[jt]s$/.test(f))).toEqual([]);
    expect(t.files.filter((f) => f.endsWith(".d.ts.map"))).toEqual([]);
    for (const map of t.files.filter((f) => f.endsWith(".js.map") || f.endsWith(".cjs.map"))) {
      const parsed = JSON.parse(t.read(map)) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(parsed.sourcesContent?.length, map).toBe(parsed.sources.length);
      expect(
        parsed.sourcesContent?.every((s) => typeof s === "string" && s.length > 0),
        map,
      ).toBe(true);
    }
  });

  it.each(names)("%s: caret ranges for runtime dependencies, nothing private or dev-only", (name) => {
    const m = tarballs.get(name)!.manifest;
    const deps = (m["dependencies"] ?? {}) as Record<string, string>;
    for (const [dep, range] of Object.entries(deps))
      expect(range, `${name} → ${dep}`).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(m["devDependencies"]).toBeUndefined();
    expect(m["scripts"]).toBeUndefined();
    const privateNames = workspacePackages()
      .filter((p) => p.manifest.private === true)
      .map((p) => p.name);
    const mentioned = JSON.stringify(m);
    for (const priv of privateNames) expect(mentioned, `${name} names ${priv}`).not.toContain(`"${priv}"`);
  });

  it.each(names)("%s: nothing compiles at install (no install scripts, no gyp files)", (name) => {
    const t = tarballs.get(name)!;
    expect(t.files.filter((f) => f.endsWith("binding.gyp"))).toEqual([]);
    for (const deps of ["dependencies", "optionalDependencies"]) {
      for (const dep of Object.keys((t.manifest[deps] ?? {}) as object)) expect(dep).not.toBe("hnswlib-node");
    }
  });
});

describe("changesets", () => {
  const dir = join(ROOT, ".changeset");
  const changesets = readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md");

  it("until the first publish (0.1.0), every changeset is minor or patch", () => {
    for (const file of changesets) {
      const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), "utf8"));
      expect(front, file).not.toBeNull();
      for (const line of front![1]!.split("\n").filter((l) => l.trim() !== "")) {
        expect(line, file).toMatch(/^"(@xqg\/[a-z-]+|xqg)": (minor|patch)$/);
      }
    }
  });

  it("published packages start at 0.0.0, so the first `changeset version` makes 0.1.0", () => {
    for (const p of publishedPackages()) {
      const released = existsSync(join(p.dir, "CHANGELOG.md"));
      if (!released) expect(p.manifest.version, p.name).toBe("0.0.0");
    }
  });
});
