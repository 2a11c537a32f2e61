import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it, vi } from "vitest";

const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
const example = await readFile(new URL("../examples/quickstart.ts", import.meta.url), "utf8");

function block(after: string, language: string): string {
  const start = readme.indexOf(`\`\`\`${language}\n`, readme.indexOf(after));
  const body = start + language.length + 4;
  return readme.slice(body, readme.indexOf("```", body));
}

describe("README", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("shows examples/quickstart.ts verbatim", () => {
    expect(block("## Usage", "ts")).toBe(example);
  });

  it("prints what the README says it prints", async () => {
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => {
      printed.push(line);
    });
    await import("../examples/quickstart.js");
    expect(`${printed.join("\n")}\n`).toBe(block("It prints", "text"));
  });
});
