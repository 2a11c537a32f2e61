// Every published package, as packed for npm, passes @arethetypeswrong/cli (its types resolve, and match the
// JavaScript, under node10, node16 from CommonJS, node16 from ESM and bundler resolution) and publint (its
// package.json points at files that exist, in the formats it claims) with no problem of any level.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../src/exec.js";
import { packAll } from "../src/pack.js";
import type { Tarball } from "../src/tarball.js";
import { publishedPackages } from "../src/workspace.js";

const work = mkdtempSync(join(tmpdir(), "xqg-lint-"));
let tarballs = new Map<string, Tarball>();
const require = createRequire(import.meta.url);
const attwBin = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist", "index.js");

beforeAll(() => {
  tarballs = packAll(join(work, "tarballs"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const names = publishedPackages().map((p) => p.name);

interface AttwReport {
  analysis: { packageName: string; problems?: unknown[] };
  problems?: Record<string, unknown[]>;
}

describe("@arethetypeswrong/cli on each packed tarball", () => {
  it.each(names)("%s: no problems", (name) => {
    const tarball = tarballs.get(name)!.path;
    // attw exits 1 when it finds problems; the JSON says which, the text table says it readably.
    const r = exec(process.execPath, [attwBin, tarball, "--format", "json"], { cwd: work, ok: [0, 1] });
    const report = JSON.parse(r.stdout) as AttwReport;
    const problems = report.analysis.problems ?? [];
    if (problems.length > 0 || r.status !== 0) {
      const table = exec(process.execPath, [attwBin, tarball], { cwd: work, ok: [0, 1] }).stdout;
      expect.fail(`${name}: attw found problems\n${table}\n${JSON.stringify(problems, null, 2)}`);
    }
    expect(report.analysis.packageName).toBe(name);
  });
});

describe("publint on each packed tarball", () => {
  it.each(names)("%s: no errors, warnings or suggestions", async (name) => {
    const t = tarballs.get(name)!;
    const dir = join(work, "unpacked", name);
    mkdirSync(dir, { recursive: true });
    exec("tar", ["-xzf", t.path, "-C", dir], { cwd: work });
    const pkgDir = join(dir, "package");
    const { messages, pkg } = await publint({ pkgDir, pack: false, strict: true, level: "suggestion" });
    const lines = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    expect(lines, name).toEqual([]);
  });
});
