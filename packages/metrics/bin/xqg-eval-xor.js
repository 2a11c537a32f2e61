#!/usr/bin/env node
// Committed so the bin exists before the first build (pnpm links bins at install); the CLI is built to dist/.
import { existsSync } from "node:fs";

const cli = new URL("../dist/bin/xqg-eval-xor.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    "xqg-eval-xor: @xqg/metrics is not built yet; run `pnpm --filter @xqg/metrics build`\n",
  );
  process.exit(1);
}
await import(cli.href);
