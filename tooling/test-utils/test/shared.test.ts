import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedDigest } from "../../scripts/shared-digest.mjs";
import { sharedDataDir, sharedSkipReason, withTempDir } from "../src/index.js";
import { checkSharedDigest, locateSharedData } from "../src/shared.js";

describe("sharedSkipReason", () => {
  it("skips only when ../shared is absent, and fails on a missing data set when it is present", () => {
    if (sharedDataDir())
      expect(() => sharedSkipReason("no/such/thing")).toThrow(/no\/such\/thing is missing/);
    else expect(sharedSkipReason("no/such/thing")).toMatch(/SKIPPED: \.\.\/shared\/data not found/);
  });
});
describe("locateSharedData", () => {
  // A layout like the real one: <top>/repo is the checkout; the shared data would sit at <top>/shared/data.
  const layout = async (dir: string, dataAt: string[]) => {
    const repo = join(dir, "top", "repo");
    await mkdir(repo, { recursive: true });
    for (const at of dataAt) await mkdir(join(dir, at), { recursive: true });
    return repo;
  };

  it("uses ../shared/data beside the repository root", () =>
    withTempDir(async (dir) => {
      const repo = await layout(dir, ["top/shared/data"]);
      expect(locateSharedData({}, repo)).toBe(join(dir, "top", "shared", "data"));
    }));

  it("does not climb: a shared/data beside an ancestor further up, or beside the package, is not taken", () =>
    withTempDir(async (dir) => {
      const repo = await layout(dir, [
        "shared/data",
        "top/repo/shared/data",
        "top/repo/packages/shared/data",
      ]);
      expect(locateSharedData({}, repo)).toBeUndefined();
      expect(locateSharedData({ XQG_SHARED_DIR: "" }, repo)).toBeUndefined();
    }));

  it("takes XQG_SHARED_DIR's data folder, relative paths from the repository root", () =>
    withTempDir(async (dir) => {
      const repo = await layout(dir, ["top/shared/data", "elsewhere/data"]);
      expect(locateSharedData({ XQG_SHARED_DIR: join(dir, "elsewhere") }, repo)).toBe(
        join(dir, "elsewhere", "data"),
      );
      expect(locateSharedData({ XQG_SHARED_DIR: "../../elsewhere" }, repo)).toBe(
        join(dir, "elsewhere", "data"),
      );
    }));

  it("fails, never skips, when XQG_SHARED_DIR names a folder without data", () =>
    withTempDir(async (dir) => {
      const repo = await layout(dir, ["top/shared/data", "empty"]);
      for (const wrong of [join(dir, "nowhere"), join(dir, "empty")])
        expect(() => locateSharedData({ XQG_SHARED_DIR: wrong }, repo)).toThrow(
          `XQG_SHARED_DIR=${wrong}: ${join(wrong, "data")} does not exist (unset XQG_SHARED_DIR to use ../shared)`,
        );
      await mkdir(join(dir, "plain"));
      await writeFile(join(dir, "plain", "data"), "not a folder");
      expect(() => locateSharedData({ XQG_SHARED_DIR: join(dir, "plain") }, repo)).toThrow(/does not exist/);
    }));

  it("makes sharedSkipReason and sharedDataDir throw on a wrong XQG_SHARED_DIR instead of skipping", () =>
    withTempDir(async (dir) => {
      const saved = process.env["XQG_SHARED_DIR"];
      const turbo = process.env["TURBO_HASH"];
      delete process.env["TURBO_HASH"]; // the digest in the environment is the real data's, not this folder's
      process.env["XQG_SHARED_DIR"] = join(dir, "nowhere");
      try {
        expect(() => sharedSkipReason("nltk")).toThrow(`${join(dir, "nowhere", "data")} does not exist`);
        expect(() => sharedDataDir()).toThrow(`${join(dir, "nowhere", "data")} does not exist`);
        await mkdir(join(dir, "nowhere", "data", "nltk"), { recursive: true });
        expect(sharedSkipReason("nltk")).toBeUndefined();
        expect(sharedDataDir()).toBe(join(dir, "nowhere", "data"));
      } finally {
        if (saved === undefined) delete process.env["XQG_SHARED_DIR"];
        else process.env["XQG_SHARED_DIR"] = saved;
        if (turbo !== undefined) process.env["TURBO_HASH"] = turbo;
      }
    }));
});

describe("the shared data digest that turbo hashes (XQG_SHARED_DIGEST)", () => {
  it("changes with any file's bytes, name or presence, and is 'none' without data", () =>
    withTempDir(async (dir) => {
      await mkdir(join(dir, "data", "nltk"), { recursive: true });
      await writeFile(join(dir, "data", "nltk", "a.txt"), "one");
      const seen = [sharedDigest(join(dir, "data"))];
      await writeFile(join(dir, "data", "nltk", "a.txt"), "two");
      seen.push(sharedDigest(join(dir, "data")));
      await rename(join(dir, "data", "nltk", "a.txt"), join(dir, "data", "nltk", "b.txt"));
      seen.push(sharedDigest(join(dir, "data")));
      await writeFile(join(dir, "data", "c.txt"), "");
      seen.push(sharedDigest(join(dir, "data")));
      expect(new Set(seen).size).toBe(4);
      expect(seen.every((d) => /^[0-9a-f]{32}$/.test(d))).toBe(true);
      expect(sharedDigest(join(dir, "data"))).toBe(seen[3]);
      expect(sharedDigest(join(dir, "nowhere"))).toBe("none");
    }));

  it("is what `node tooling/scripts/shared-digest.mjs` prints for XQG_SHARED_DIR", () =>
    withTempDir(async (dir) => {
      await mkdir(join(dir, "data"));
      await writeFile(join(dir, "data", "x.jsonl"), "{}\n");
      const script = join(import.meta.dirname, "..", "..", "scripts", "shared-digest.mjs");
      const printed = execFileSync(process.execPath, [script], {
        env: { ...process.env, XQG_SHARED_DIR: dir },
        encoding: "utf8",
      });
      expect(printed).toBe(`${sharedDigest(join(dir, "data"))}\n`);
    }));

  it("under turbo, fails when the digest is missing or stale, so a cached pass on other data is not replayed", () =>
    withTempDir(async (dir) => {
      await mkdir(join(dir, "data"));
      await writeFile(join(dir, "data", "x.jsonl"), "{}\n");
      const data = join(dir, "data");
      const digest = sharedDigest(data);
      expect(() => checkSharedDigest({}, data)).not.toThrow();
      expect(() => checkSharedDigest({ TURBO_HASH: "abc", XQG_SHARED_DIGEST: digest }, data)).not.toThrow();
      expect(() => checkSharedDigest({ TURBO_HASH: "abc" }, data)).toThrow(
        `XQG_SHARED_DIGEST is unset but the shared data's digest is "${digest}"`,
      );
      await writeFile(join(dir, "data", "x.jsonl"), "{}\n{}\n");
      expect(() => checkSharedDigest({ TURBO_HASH: "abc", XQG_SHARED_DIGEST: digest }, data)).toThrow(
        `XQG_SHARED_DIGEST is "${digest}" but the shared data's digest is "${sharedDigest(data)}"`,
      );
    }));
});

describe("withTempDir", () => {
  it("removes the directory even when the callback throws", async () => {
    let seen = "";
    await expect(
      withTempDir(async (dir) => {
        seen = dir;
        expect(await readdir(dir)).toEqual([]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(existsSync(seen)).toBe(false);
  });
});
