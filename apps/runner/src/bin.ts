#!/usr/bin/env node
import { formatDuration, releaseRunSync } from "@xqg/pipeline";
import { main } from "./cli/main.js";
import { runInterruptHooks } from "./interrupt.js";

/**
 * How long an interrupted process waits for its hand-backs (Redis may be unreachable) before exiting anyway:
 * 5 s, or XQG_HAND_BACK_MS (e.g. to fit a scheduler's grace period).
 */
const HAND_BACK_MS =
  Number(process.env["XQG_HAND_BACK_MS"]) > 0 ? Number(process.env["XQG_HAND_BACK_MS"]) : 5_000;

// Ctrl-C or a scheduler's SIGTERM: give back what this process holds (an `xqg worker` first moves its jobs back
// to the queue, for at most HAND_BACK_MS), then the units' leases, say so in one line, and exit as shells
// expect (128 + signal). The staging of the units in progress is removed (best effort: a file-system call still in
// flight may recreate a folder; the next run removes what is left). A second signal exits at once.
let interrupted = false;
const exit = (code: number, line: string): never => {
  releaseRunSync();
  process.stderr.write(`\nxqg: ${line}\n`);
  process.exit(code);
};
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.on(signal, () => {
    if (interrupted)
      return exit(code, `interrupted again (${signal}); exiting without waiting for the hand-back`);
    const handingBack = runInterruptHooks(HAND_BACK_MS);
    if (!handingBack) return exit(code, `interrupted (${signal}); rerun the same command to resume`);
    interrupted = true;
    void handingBack.then((lines) =>
      exit(
        code,
        lines === "timeout"
          ? `interrupted (${signal}); could not hand the units in progress back to the queue within ` +
              `${formatDuration(HAND_BACK_MS / 1000)} (is Redis reachable?): it gives them out again when their lock expires`
          : `interrupted (${signal}); ${lines.join("; ")}`,
      ),
    );
  });
}

// Warnings of xqg's packages (process.emitWarning with an XQG_ code, e.g. a max length clamped to the model's
// positions) as one plain line, not Node's "(node:PID) [CODE] Warning: …" with its --trace-warnings hint;
// other warnings keep Node's own printing.
const nodeWarnings = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (warning: Error & { code?: string }) => {
  if (warning.code?.startsWith("XQG_")) process.stderr.write(`xqg: warning: ${warning.message}\n`);
  else for (const listener of nodeWarnings) listener(warning);
});

process.exitCode = await main(process.argv.slice(2));
