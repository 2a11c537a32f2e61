#!/usr/bin/env node
import { main } from "./cli/main.js";
import { releaseAllLeasesSync } from "./lease.js";

// Ctrl-C or a scheduler's SIGTERM: give back the units this run holds, say how to go on, and exit as shells
// expect (128 + signal). Partial outputs stay in staging, which the next run removes or redoes.
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    releaseAllLeasesSync();
    process.stderr.write(`\nxqg: interrupted (${signal}); rerun the same command to resume\n`);
    process.exit(code);
  });
}

process.exitCode = await main(process.argv.slice(2));
