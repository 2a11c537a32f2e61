import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface ReadmeExampleOptions {
  /** The package's README.md (a file URL or path). */
  readme: URL | string;
  /** Heading the example's first ```ts block follows. */
  section?: string;
  /** Exact substrings to swap before running (package name → "../src/index.js", model dirs → fixtures). */
  replace?: Record<string, string>;
}

/**
 * Runs a README's TypeScript example as written (after the stated substitutions) from a temporary file in
 * the README's `test/` folder, and returns what it passed to `console.log`, call by call. A substitution
 * that no longer matches the README fails, so the README and the test cannot drift apart silently.
 */
export async function runReadmeExample(options: ReadmeExampleOptions): Promise<unknown[][]> {
  const readmePath = options.readme instanceof URL ? fileURLToPath(options.readme) : options.readme;
  const readme = await readFile(readmePath, "utf8");
  const section = options.section ?? "## Usage";
  const at = readme.indexOf(section);
  const fence = at < 0 ? null : /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!fence) throw new Error(`${readmePath}: no \`\`\`ts block after "${section}"`);
  let code = fence[1]!;
  for (const [from, to] of Object.entries(options.replace ?? {})) {
    if (!code.includes(from))
      throw new Error(`${readmePath}: the example no longer contains ${JSON.stringify(from)}`);
    code = code.replaceAll(from, to);
  }
  const file = join(dirname(readmePath), "test", `.readme-example-${process.pid}-${Date.now()}.ts`);
  await writeFile(file, code);
  const calls: unknown[][] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    calls.push(args);
  };
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    console.log = log;
    await rm(file, { force: true });
  }
  return calls;
}
