import { createRequire } from "node:module";

// Not named `require`: the CommonJS build (dist/*.cjs) has a `require` of its own at the top level.
const requireHere = createRequire(import.meta.url);

/** The `version` of the xqg package's package.json, read at run time (src/ and dist/ are both one level down). */
export function cliVersion(): string {
  return (requireHere("../package.json") as { version: string }).version;
}
