import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { settings } from "@xqg/pipeline";
import { describe, expect, it } from "vitest";

const { STAGE_FIELDS } = settings;

import { xqg } from "./helpers.js";

const readme = await readFile(resolve(import.meta.dirname, "../README.md"), "utf8");

describe("README", () => {
  it("lists every setting of every stage, with the defaults the code uses", () => {
    for (const [stage, fields] of Object.entries(STAGE_FIELDS)) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${stage}\``));
      expect(row, stage).toBeDefined();
      const keys = [
        ...row!
          .replace(/\\\|/g, "/")
          .split("|")[2]!
          .matchAll(/`(\w+)`/g),
      ].map((m) => m[1]);
      expect(keys, stage).toEqual(Object.keys(fields));
      for (const [key, f] of Object.entries(fields)) {
        if (typeof f.default === "number" && f.default !== 0)
          expect(row, `${stage}.${key}`).toContain(`\`${key}\` (${f.default}`);
      }
    }
  });

  it("documents every command", async () => {
    const { stdout } = await xqg("--help");
    const commands = stdout
      .split("\n")
      .slice(3, 15)
      .map((l) => l.trim().split(/\s+/)[0]);
    for (const command of commands) expect(readme).toContain(`\`xqg ${command} `);
  });
});
