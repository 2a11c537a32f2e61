import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { sharedDataDir, sharedSkipReason, withTempDir } from "../src/index.js";

describe("sharedSkipReason", () => {
  it("skips only when ../shared is absent, and fails on a missing data set when it is present", () => {
    if (sharedDataDir())
      expect(() => sharedSkipReason("no/such/thing")).toThrow(/no\/such\/thing is missing/);
    else expect(sharedSkipReason("no/such/thing")).toMatch(/SKIPPED: \.\.\/shared\/data not found/);
  });
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
