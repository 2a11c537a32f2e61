import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { runIsolated } from "../src/index.js";

const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

describe("runIsolated", () => {
  it("returns the child's report and its own peak RSS, not the parent's", async () => {
    const ballast = new Uint8Array(400 * 1024 * 1024).fill(1); // the parent holds 400 MiB while spawning
    await withTempDir(async (dir) => {
      const script = join(dir, "child.ts");
      await writeFile(
        script,
        `import { reportFromChild } from ${JSON.stringify(entry)};\nreportFromChild({ answer: 42 });\n`,
      );
      const { report, peakRssMiB } = await runIsolated<{ answer: number }>(script, [], ["--import", "tsx"]);
      expect(report).toEqual({ answer: 42 });
      expect(peakRssMiB).toBeGreaterThan(10);
      expect(peakRssMiB).toBeLessThan(300);
    });
    expect(ballast[ballast.length - 1]).toBe(1);
  });
});
