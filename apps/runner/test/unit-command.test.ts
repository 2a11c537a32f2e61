// `xqg plan --json` and `xqg unit`, as a scheduler that is not ours uses them: every key of the plan, run one by
// one in dependency order by a shell loop, gives the outputs `xqg run` gives.
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { withTempDir } from "@xqg/test-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { smallExperiment, snapshot, xqg } from "./helpers.js";

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, "../bin/xqg.js");
// provenance.json names the inputs' paths, which differ between the two folders
const outputsOnly = (files: Map<string, Buffer>) =>
  new Map([...files].filter(([name]) => !name.startsWith("manifests/") && name !== "report/provenance.json"));

let reference: Map<string, Buffer>;
beforeAll(async () => {
  await withTempDir(async (dir) => {
    const config = await smallExperiment(dir);
    expect((await xqg("run", config, "--quiet")).code).toBe(0);
    reference = outputsOnly(await snapshot(join(dir, "out")));
  });
});

describe("xqg unit over every key of xqg plan --json", () => {
  it("in dependency order from a shell loop, equals xqg run; the plan then says every unit is done", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const planned = await xqg("plan", config, "--json");
      expect(planned.code).toBe(0);
      const plan = JSON.parse(planned.stdout) as {
        schema: string;
        units: Array<{ key: string; state: string; deps: string[] }>;
      };
      expect(plan.schema).toBe("xqg-plan/1");
      expect(new Set(plan.units.map((u) => u.state))).toEqual(new Set(["pending"]));
      const keys = plan.units.map((u) => u.key).join(" ");
      await run(
        "sh",
        [
          "-c",
          `for key in ${keys}; do "${process.execPath}" "${BIN}" unit "${config}" "$key" --quiet || exit 1; done`,
        ],
        { cwd: dir },
      );
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(reference);
      const after = JSON.parse((await xqg("plan", config, "--json")).stdout) as typeof plan;
      expect(after.units.filter((u) => u.state !== "done")).toEqual([]);
    });
  });

  it("refuses a unit whose dependencies are not done, naming them", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const r = await xqg("unit", config, "fuse");
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        "xqg: unit fuse: its dependencies are not done: encode-passages (pending: not run yet), encode-generated (pending: not run yet (after generate)); run them first\n",
      );
    });
  });

  it("names the plan's keys for a key it does not have", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const r = await xqg("unit", config, "fusion");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^xqg: .*xqg\.yaml: no unit fusion in the plan \(its units: generate, encode-passages, /,
      );
    });
  });
});
