import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The `version` of this package's package.json, read at run time (src/ and dist/ are both one level down). */
export function runnerVersion(): string {
  return (require("../package.json") as { version: string }).version;
}

/** The xqg packages the runner composes: its `@xqg/*` dependencies, as its package.json declares them. */
export function composedPackages(): string[] {
  const { dependencies = {} } = require("../package.json") as { dependencies?: Record<string, string> };
  return Object.keys(dependencies).filter((name) => name.startsWith("@xqg/"));
}
