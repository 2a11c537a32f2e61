#!/usr/bin/env node
import { runEvalXor } from "../cli/eval-xor.js";

// `xqg-eval-xor ... | head` closes stdout early; that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

process.exitCode = runEvalXor(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
