import { spawn } from "node:child_process";

export interface IsolatedResult<T> {
  /** What the child passed to `reportFromChild`. */
  report: T;
  /** Peak resident set size of the child process, in MiB. */
  peakRssMiB: number;
  seconds: number;
}

const MARKER = "__XQG_BENCH_REPORT__";

/**
 * Sends a child's result back to `runIsolated`, with the child's own peak RSS. Call it once, last thing,
 * from a script started by `runIsolated`.
 */
export function reportFromChild(report: unknown): void {
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
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
