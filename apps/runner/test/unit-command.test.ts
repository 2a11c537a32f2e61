// `xqg plan --json` and `xqg unit`, as a scheduler that is not ours uses them: every key of the plan, run one by
// one in dependency order by a shell loop, gives the outputs `xqg run` gives.
import { execFile } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { runReadmeExample, withTempDir } from "@xqg/test-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { smallExperiment, snapshot, xqg } from "./helpers.js";

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, "../bin/xqg.js");
const SCHEDULERS = resolve(import.meta.dirname, "../../../examples/schedulers");
const PIPELINE = resolve(import.meta.dirname, "../../../packages/pipeline");
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

/** A folder with `xqg` (this checkout's CLI) and a fake `sbatch` that runs each array task at once, in order. */
async function fakeTools(dir: string): Promise<{ path: string; sbatchLog: string }> {
  const bin = join(dir, "bin");
  const sbatchLog = join(dir, "sbatch.log");
  await run("mkdir", ["-p", bin]);
  await writeFile(join(bin, "xqg"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await writeFile(
    join(bin, "sbatch"),
    `#!/bin/sh
# records its arguments, then runs every task of --array=0-K with SLURM_ARRAY_TASK_ID set (a level's jobs run
# when submitted, so afterok holds by construction); prints a job id
echo "$*" >> "${sbatchLog}"
for arg in "$@"; do
  case $arg in --array=0-*) last=\${arg#--array=0-} ;; --wrap=*) wrap=\${arg#--wrap=} ;; esac
done
i=0
while [ "$i" -le "$last" ]; do SLURM_ARRAY_TASK_ID=$i sh -c "$wrap" || exit 1; i=$((i + 1)); done
echo "job$(wc -l < "${sbatchLog}")"
`,
  );
  await chmod(join(bin, "xqg"), 0o755);
  await chmod(join(bin, "sbatch"), 0o755);
  return { path: `${bin}:${process.env["PATH"]}`, sbatchLog };
}

describe("the scheduler examples (examples/schedulers)", () => {
  it("local-parallel.sh: the plan's levels, two units at a time, equal xqg run", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const { path } = await fakeTools(dir);
      await run("sh", [join(SCHEDULERS, "local-parallel.sh"), config, "2"], {
        cwd: dir,
        env: { ...process.env, PATH: path },
      });
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(reference);
    });
  });

  it("slurm-units.sh: one array job per level, each after the last (afterok), equals xqg run", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const { path, sbatchLog } = await fakeTools(dir);
      const out = await run("sh", [join(SCHEDULERS, "slurm-units.sh"), config], {
        cwd: dir,
        env: { ...process.env, PATH: path, SLURM_CPUS: "1" },
      });
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(reference);
      const jobs = (await readFile(sbatchLog, "utf8")).trim().split("\n");
      expect(jobs[0]).not.toMatch(/--dependency/);
      for (const [i, job] of jobs.slice(1).entries())
        expect(job).toContain(`--dependency=afterok:job${i + 1}`);
      expect(out.stdout).toBe(`submitted; the last job is job${jobs.length}\n`);
    });
  });

  it("kubernetes-jobs.mjs: an Indexed Job per level, whose pods' commands equal xqg run", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const { path } = await fakeTools(dir);
      const env = { ...process.env, PATH: path };
      const plan = await run("sh", ["-c", `xqg plan "${config}" --json > plan.json`], { cwd: dir, env });
      expect(plan.stderr).toBe("");
      const jobs = await run(
        "sh",
        [
          "-c",
          `node "${join(SCHEDULERS, "levels.mjs")}" < plan.json | node "${join(SCHEDULERS, "kubernetes-jobs.mjs")}" "${config}"`,
        ],
        { cwd: dir, env },
      );
      type Job = {
        kind: string;
        spec: {
          completions: number;
          template: {
            spec: { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> };
          };
        };
      };
      const docs = jobs.stdout.split("\n---\n").map((d) => JSON.parse(d) as Job);
      expect(docs.every((d) => d.kind === "Job")).toBe(true);
      // what each pod of each Job runs, level after level (a Job completes before the next is applied)
      for (const job of docs) {
        const container = job.spec.template.spec.containers[0]!;
        for (let index = 0; index < job.spec.completions; index++) {
          const podEnv = { ...env, JOB_COMPLETION_INDEX: String(index), XQG_KEYS: container.env[0]!.value };
          await run(container.command[0]!, container.command.slice(1), { cwd: dir, env: podEnv });
        }
      }
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(reference);
    });
  });
});

describe("an executor of one's own (examples/schedulers/custom-executor.mjs)", () => {
  it("runs each unit as a child process, two at a time, after its dependencies, and equals xqg run", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const script = join(dir, "custom-executor.mjs");
      const source = await readFile(join(SCHEDULERS, "custom-executor.mjs"), "utf8");
      await writeFile(
        script,
        source.replace('from "@xqg/pipeline"', `from ${JSON.stringify(join(PIPELINE, "dist/index.js"))}`),
      );
      const { path } = await fakeTools(dir);
      const out = await run(process.execPath, [script, config, "2"], {
        cwd: dir,
        env: { ...process.env, PATH: path },
      });
      expect(out.stdout).toMatch(/^\d+ units run by child processes, 2 at a time\n$/);
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(reference);
    });
  });
});

describe("a run from code", () => {
  it("loadConfig → prepareRun → planExperiment → localExecutor, as @xqg/pipeline's README shows it, equals xqg run", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const printed = await runReadmeExample({
        readme: join(PIPELINE, "README.md"),
        replace: {
          'from "@xqg/pipeline"': `from ${JSON.stringify(join(PIPELINE, "dist/index.js"))}`,
          '"xqg.yaml"': JSON.stringify(config),
        },
      });
      const [units, counts, report] = printed.map((args) => String(args[0]));
      expect(units!.split("\n")[0]).toBe("generate ← (inputs)");
      expect(units).toContain("\nreport ← ");
      expect(counts).toMatch(/^\d+ units ran, 0 were up to date$/);
      expect(report).toBe(reference.get("report/report.md")!.toString());
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(reference);
    });
  });
});
