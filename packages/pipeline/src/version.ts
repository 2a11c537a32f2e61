import { createRequire } from "node:module";

// Not named `require`: the CommonJS build (dist/*.cjs) has a `require` of its own at the top level.
const requireHere = createRequire(import.meta.url);

/** The `version` of this package's package.json, read at run time (src/ and dist/ are both one level down). */
export function pipelineVersion(): string {
  return (requireHere("../package.json") as { version: string }).version;
}

/** The xqg packages the pipeline composes: its `@xqg/*` dependencies, as its package.json declares them. */
export function composedPackages(): string[] {
  const { dependencies = {} } = requireHere("../package.json") as { dependencies?: Record<string, string> };
  return Object.keys(dependencies).filter((name) => name.startsWith("@xqg/"));
}
