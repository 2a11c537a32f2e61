import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

export interface IsolatedResult<T> {
  /** What the child passed to `reportFromChild`. */
  report: T;
  /** Peak resident set size of the child process, in MiB. */
  peakRssMiB: number;
  seconds: number;
}

const MARKER = "__XQG_BENCH_REPORT__";

/**
 * This process's own peak RSS. On Linux `getrusage` keeps the high-water mark across exec, so a child
 * spawned by a large parent would report the parent's memory; VmHWM belongs to the current address space.
 */
function peakRssKiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}

/**
 * Sends a child's result back to `runIsolated`, with the child's own peak RSS. Call it once, last thing,
 * from a script started by `runIsolated`.
 */
export function reportFromChild(report: unknown): void {
  const peakRssMiB = peakRssKiB() / 1024;
  process.stdout.write(`\n${MARKER}${JSON.stringify({ report, peakRssMiB })}\n`);
}

/**
 * Runs a script in a fresh Node process so that peak RSS belongs to that one contender alone,
 * which is the only honest way to compare memory of two implementations in the same benchmark run.
 */
export function runIsolated<T>(
  script: string,
  args: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<IsolatedResult<T>> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...nodeArgs, script, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const at = out.lastIndexOf(MARKER);
      if (code !== 0 || at < 0) {
        reject(new Error(`benchmark child ${script} exited with code ${code}:\n${out.slice(-2000)}`));
        return;
      }
      const parsed = JSON.parse(out.slice(at + MARKER.length)) as { report: T; peakRssMiB: number };
      resolve({ ...parsed, seconds: (performance.now() - started) / 1000 });
    });
  });
}
