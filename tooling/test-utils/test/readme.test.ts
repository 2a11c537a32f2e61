import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReadmeExample, withTempDir } from "../src/index.js";

const README = [
  "# demo",
  "",
  "## Usage",
  "",
  "```ts",
  'import { sum } from "demo";',
  "console.log(sum(2, 3), 'five');",
  "```",
  "",
].join("\n");

async function withReadme<T>(fn: (readme: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, "README.md"), README);
    await mkdir(join(dir, "test"));
    await writeFile(join(dir, "sum.ts"), "export const sum = (a: number, b: number) => a + b;\n");
    return fn(join(dir, "README.md"));
  });
}

describe("runReadmeExample", () => {
  it("runs the example with substitutions and returns its console.log calls", async () => {
    const calls = await withReadme((readme) =>
      runReadmeExample({ readme, replace: { 'from "demo"': 'from "../sum.ts"' } }),
    );
    expect(calls).toEqual([[5, "five"]]);
  });

  it("fails when a substitution no longer matches the README", async () => {
    await expect(
      withReadme((readme) => runReadmeExample({ readme, replace: { 'from "gone"': "x" } })),
    ).rejects.toThrow(/no longer contains "from \\"gone\\""/);
  });

  it("fails when the section has no ts block", async () => {
    await expect(withReadme((readme) => runReadmeExample({ readme, section: "## API" }))).rejects.toThrow(
      /no ```ts block after "## API"/,
    );
  });
});
