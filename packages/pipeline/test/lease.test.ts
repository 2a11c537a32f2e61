import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it, vi } from "vitest";

// Every `open` of a lease file can be made to fail its write as a full disk does (ENOSPC), once.
const failNextLeaseWrite = { value: false };
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (!failNextLeaseWrite.value || !String(args[0]).endsWith(".lease")) return handle;
      failNextLeaseWrite.value = false;
      return Object.assign(Object.create(handle), {
        writeFile: async () => {
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        },
        close: () => handle.close(),
      });
    },
  };
});

const { acquireLease, leasePath } = await import("../src/lease.js");

function recordingLog() {
  const lines: string[] = [];
  return {
    lines,
    log: {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      progress: () => ({ tick() {}, done() {} }),
    },
  };
}

describe("leases", () => {
  it("takes over a lease file left empty by a crash or a full disk, saying so, instead of waiting forever", async () => {
    await withTempDir(async (dir) => {
      const manifest = join(dir, "unit.json");
      await writeFile(leasePath(manifest), "");
      const { lines, log } = recordingLog();
      const started = performance.now();
      const lease = await acquireLease(manifest, { log, label: "unit", emptyMs: 200 });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(lines).toEqual([
        `unit: its lease file ${leasePath(manifest)} has stayed empty (left by a crash or a full disk); taking it over`,
      ]);
      expect(JSON.parse(await readFile(leasePath(manifest), "utf8"))).toMatchObject({ pid: process.pid });
      await lease.release();
      expect(existsSync(leasePath(manifest))).toBe(false);
    });
  });

  it("leaves no empty lease behind when writing it fails (ENOSPC), so the next run does not wait", async () => {
    await withTempDir(async (dir) => {
      const manifest = join(dir, "unit.json");
      const { log } = recordingLog();
      failNextLeaseWrite.value = true;
      await expect(acquireLease(manifest, { log, label: "unit" })).rejects.toThrow("ENOSPC");
      expect(existsSync(leasePath(manifest))).toBe(false);
      const lease = await acquireLease(manifest, { log, label: "unit" });
      await lease.release();
    });
  });
});
