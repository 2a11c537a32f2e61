#!/usr/bin/env node
// An executor of your own, written against @xqg/pipeline's `Executor` interface: each unit runs in a child
// process (`xqg unit CONFIG KEY`), up to N at a time, as soon as its dependencies are done. Replace `runElsewhere`
// with a call to your cluster's API (submit, then wait) and the rest stays as it is. Needs @xqg/pipeline and xqg.
//   node custom-executor.mjs xqg.yaml 4
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createLogger, loadConfig, planExperiment, prepareRun, Scheduler } from "@xqg/pipeline";

const [config, parallel = "2"] = process.argv.slice(2);
if (!config) throw new Error("usage: custom-executor.mjs CONFIG [N]");

/** Runs one unit somewhere else: here a child process; on a cluster, a submitted job you wait for. */
async function runElsewhere(unit) {
  await promisify(execFile)("xqg", ["unit", config, unit.key, "--quiet"]);
}

/** @type {import("@xqg/pipeline").Executor} */
const childProcesses = {
  async execute(plan, _env, { signal } = {}) {
    const scheduler = new Scheduler(plan.units);
    const ran = [];
    const running = new Map();
    let failure;
    for (;;) {
      if (signal?.aborted) failure ??= signal.reason;
      for (const unit of failure ? [] : scheduler.ready()) {
        if (running.size >= Number(parallel)) break;
        scheduler.start(unit.key);
        const done = runElsewhere(unit).then(
          () => {
            ran.push(unit.key);
            scheduler.finish(unit.key);
          },
          (error) => {
            scheduler.fail(unit.key);
            failure ??= error;
          },
        );
        running.set(
          unit.key,
          done.finally(() => running.delete(unit.key)),
        );
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (failure) throw failure;
    return { ran, skipped: [] };
  },
};

const loaded = await loadConfig(config);
const env = await prepareRun(loaded, { log: createLogger(), force: false });
const { ran } = await childProcesses.execute(planExperiment(loaded), env);
console.log(`${ran.length} units run by child processes, ${parallel} at a time`);
