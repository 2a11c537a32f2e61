// The public surface of every published package, as committed API reports (api/<name>.api.md): a change of
// what a package exports, or of an exported declaration, is a visible diff and needs a changeset.
//   XQG_UPDATE_API=1 sh tooling/scripts/pnpm.sh --filter @xqg/repo-checks exec vitest run test/api-surface.test.ts
// rewrites the reports from the built packages (build first: `npm run build`).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  API_DIR,
  apiFileName,
  changedFiles,
  changesetPackages,
  renderApiReport,
  unannouncedChanges,
} from "../src/api-surface.js";
import { publishedPackages, ROOT } from "../src/workspace.js";

const UPDATE = process.env["XQG_UPDATE_API"] === "1";
const HOW_TO_UPDATE =
  "If the change is intended, rewrite the reports with\n" +
  "  XQG_UPDATE_API=1 sh tooling/scripts/pnpm.sh --filter @xqg/repo-checks exec vitest run test/api-surface.test.ts\n" +
  "and add a changeset naming the package (`npm run changeset`; minor or patch before 0.1.0).";

const packages = publishedPackages();

describe("API reports", () => {
  it.each(packages.map((p) => [p.name, p] as const))(
    "%s: the built surface equals the committed report",
    async (_name, p) => {
      const file = join(API_DIR, apiFileName(p.name));
      const current = await renderApiReport(p);
      if (UPDATE) {
        mkdirSync(API_DIR, { recursive: true });
        if (!existsSync(file) || readFileSync(file, "utf8") !== current) writeFileSync(file, current);
        return;
      }
      const committed = existsSync(file) ? readFileSync(file, "utf8") : "";
      expect(
        current,
        `the public API of ${p.name} differs from ${relative(ROOT, file)}${committed === "" ? " (missing)" : ""}.\n${HOW_TO_UPDATE}`,
      ).toBe(committed);
    },
  );

  it("there is one report per published package, and no other", () => {
    const expected = packages.map((p) => apiFileName(p.name)).sort();
    const present = existsSync(API_DIR) ? readdirSync(API_DIR).filter((f) => f.endsWith(".api.md")) : [];
    const stale = present.filter((f) => !expected.includes(f));
    if (UPDATE) for (const f of stale) rmSync(join(API_DIR, f));
    else
      expect(stale, `reports of packages that are not published; delete them.\n${HOW_TO_UPDATE}`).toEqual([]);
  });
});

describe("a change of public surface comes with a changeset", () => {
  // Compared with XQG_API_BASE (default HEAD: what is not yet committed). A report that was changed, not just
  // added (a new package's first report), needs a changeset that is itself new or changed since that base
  // and names the package in its front matter. In CI, set XQG_API_BASE to the branch's merge base.
  const base = process.env["XQG_API_BASE"] ?? "HEAD";
  const inGit = existsSync(join(ROOT, ".git"));

  it.skipIf(!inGit)(
    `every report changed since ${base} is named by a changeset changed since ${base}`,
    () => {
      const missing = unannouncedChanges(
        packages.map((p) => p.name),
        changedFiles(relative(ROOT, API_DIR), base),
        changedFiles(".changeset", base),
        (path) => readFileSync(join(ROOT, path), "utf8"),
      );
      expect(
        missing,
        `the public API of these packages changed (their reports differ from ${base}) but no new or changed ` +
          "changeset in .changeset/ names them: add one (`npm run changeset`; minor or patch before 0.1.0)",
      ).toEqual([]);
    },
  );

  it("the rule: a modified report needs a changeset that names its package; an added one does not", () => {
    const texts: Record<string, string> = {
      ".changeset/a.md": '---\n"@xqg/metrics": minor\n---\n\nNarrower.\n',
      ".changeset/b.md": '---\n"@xqg/corpus": patch\n---\n\nGone.\n',
      ".changeset/README.md": '---\n"@xqg/ann": minor\n---\n',
    };
    const report = (status: string, name: string) => ({
      status,
      path: `tooling/repo-checks/api/${name}.api.md`,
    });
    const names = ["@xqg/ann", "@xqg/corpus", "@xqg/metrics", "xqg"];
    const check = (reports: Array<{ status: string; path: string }>, changesets: string[], deleted = false) =>
      unannouncedChanges(
        names,
        reports,
        changesets.map((path) => ({ status: deleted ? "D" : "M", path })),
        (path) => texts[path]!,
      );
    expect(check([report("M", "metrics"), report("A", "xqg")], [".changeset/a.md"])).toEqual([]);
    expect(check([report("M", "metrics"), report("M", "xqg")], [".changeset/a.md"])).toEqual(["xqg"]);
    expect(check([report("M", "ann")], [".changeset/README.md", ".changeset/b.md"])).toEqual(["@xqg/ann"]);
    expect(check([report("M", "corpus")], [".changeset/b.md"], true)).toEqual(["@xqg/corpus"]);
  });
});

describe("changesetPackages", () => {
  it("reads the package names of a changeset's front matter", () => {
    expect(changesetPackages('---\n"@xqg/metrics": minor\nxqg: patch\n---\n\nText: with a colon.\n')).toEqual(
      ["@xqg/metrics", "xqg"],
    );
    expect(changesetPackages("no front matter")).toEqual([]);
  });
});
