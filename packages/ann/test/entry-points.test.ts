// The built package loaded the ways people load it outside a module file: `node -e` (CommonJS eval, where Node
// sets globalThis.__dirname = "."), `node --input-type=module -e`, a script piped to `node`, the REPL, and
// `require()`. usearch's own ES module entry overflows the stack in the first, third and last of these (see
// src/usearch.ts); each case here creates an index, adds vectors and searches, in a child process.
//
// The package is built afresh from src/ into a temporary node_modules/@xqg/ann (its package.json, a dist/ from
// tsconfig.build.json, links to its dependencies), so the test sees the current sources through the real
// `exports` map, by file URL and by the bare specifier, whatever state (or concurrent build) packages/ann/dist
// is in.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const CHILD_TIMEOUT_MS = 30_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` in `cwd`, `input` on stdin; killed after CHILD_TIMEOUT_MS (the broken usearch entry
 * can also spin instead of overflowing). */
function node(args: string[], cwd: string, input = ""): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

// One line of JavaScript (the REPL reads line by line): a function of the module that indexes three passages,
// searches two queries and prints the results after a marker.
const use = [
  "async (m) => {",
  "const ids = ['doc-a', 'doc-b', 'doc-c'];",
  "const passages = new Float32Array([1, 0, 2, 0, 0, 3, 0, 1, 2, 2, 2, 2]);",
  "const queries = new Float32Array([1, 1, 1, 1, 0, 1, 0, 0]);",
  "const index = m.Index.create({ dimensions: 4 });",
  "await index.add(ids, passages);",
  "const best = index.search(queries.subarray(0, 4), 2);",
  "const batch = [...(await index.searchBatch(queries, 1)).values()].map((s) => [...s.keys()]);",
  "const exact = [...(await m.exactSearch(queries, passages, { dimensions: 4, depth: 1, ids })).values()].map((s) => [[...s.keys()], [...s.values()]]);",
  "console.log('RESULT ' + JSON.stringify({ size: index.size, ids: [...best.keys()], scores: [...best.values()], batch, exact }));",
  "}",
].join(" ");

const EXPECTED = {
  size: 3,
  ids: ["doc-c", "doc-b"],
  scores: [8, 4],
  batch: [["doc-c"], ["doc-b"]],
  exact: [
    [["doc-c"], [8]],
    [["doc-b"], [3]],
  ],
};

/** The RESULT line's object; fails with the child's output when there is none. */
function result(exit: Exit): unknown {
  const line = exit.stdout.split("\n").find((l) => l.includes("RESULT "));
  if (line === undefined)
    throw new Error(
      `no result (exit ${exit.code ?? exit.signal}):\n${exit.stdout.slice(-2000)}\n${exit.stderr.slice(-2000)}`,
    );
  return JSON.parse(line.slice(line.indexOf("RESULT ") + "RESULT ".length));
}

let consumer: string; // a directory whose node_modules holds the built @xqg/ann
let entryUrl: string; // its dist/index.js as a file URL

beforeAll(async () => {
  consumer = await mkdtemp(join(tmpdir(), "xqg-ann-entry-"));
  const pkg = join(consumer, "node_modules", "@xqg", "ann");
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const build = await node(
    [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", join(pkg, "dist")],
    root,
  );
  if (build.code !== 0) throw new Error(`tsc failed:\n${build.stdout}${build.stderr}`);
  // the CommonJS half of the dual build (what `require("@xqg/ann")` loads), into the same folder
  const cjsConfig = join(consumer, "tsconfig.cjs.json");
  await writeFile(
    cjsConfig,
    JSON.stringify({
      extends: join(root, "tsconfig.build.json"),
      compilerOptions: { outDir: join(pkg, "dist"), rootDir: join(root, "src") },
      include: [join(root, "src")],
      exclude: [join(root, "src/**/*.test.ts")],
    }),
  );
  const cjs = await node([join(root, "..", "..", "tooling", "scripts", "build-cjs.mjs"), cjsConfig], root);
  if (cjs.code !== 0) throw new Error(`build-cjs failed:\n${cjs.stdout}${cjs.stderr}`);
  const manifest = await readFile(join(root, "package.json"), "utf8");
  await writeFile(join(pkg, "package.json"), manifest);
  for (const name of Object.keys((JSON.parse(manifest) as { dependencies?: object }).dependencies ?? {})) {
    const link = join(consumer, "node_modules", name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(await realpath(join(root, "node_modules", name)), link, "dir");
  }
  entryUrl = pathToFileURL(join(pkg, "dist", "index.js")).href;
}, 120_000);

afterAll(async () => {
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

describe("the built package outside a module file", () => {
  it("node -e, dynamic import by file URL", async () => {
    const exit = await node(["-e", `import(${JSON.stringify(entryUrl)}).then(${use})`], consumer);
    expect(result(exit)).toEqual(EXPECTED);
  });

  it("node -e, dynamic import by package name", async () => {
    const exit = await node(["-e", `import("@xqg/ann").then(${use})`], consumer);
    expect(result(exit)).toEqual(EXPECTED);
  });

  it("node -e, require() by package name (require of an ES module, Node >= 22.12)", async () => {
    const exit = await node(["-e", `(${use})(require("@xqg/ann"))`], consumer);
    expect(result(exit)).toEqual(EXPECTED);
  });

  it("node -p, require() by file path", async () => {
    const path = fileURLToPath(entryUrl);
    const exit = await node(["-p", `(${use})(require(${JSON.stringify(path)})), ""`], consumer);
    expect(result(exit)).toEqual(EXPECTED);
  });

  it("node --input-type=module -e, by file URL and by package name", async () => {
    const code = `import * as byName from "@xqg/ann"; const byUrl = await import(${JSON.stringify(entryUrl)}); (${use})(byUrl); (${use})(byName);`;
    const exit = await node(["--input-type=module", "-e", code], consumer);
    expect(result(exit)).toEqual(EXPECTED);
    expect(exit.stdout.split("\n").filter((l) => l.startsWith("RESULT ")).length).toBe(2);
  });

  it("a script piped to node on stdin", async () => {
    const exit = await node([], consumer, `import("@xqg/ann").then(${use});\n`);
    expect(result(exit)).toEqual(EXPECTED);
  });

  it("the REPL (node -i), import() and require(), each in a fresh REPL", async () => {
    // `await`: the REPL ends at the end of its input, so it must wait for the (async) use to print.
    for (const line of [`await import("@xqg/ann").then(${use})`, `await (${use})(require("@xqg/ann"))`]) {
      const exit = await node(["-i"], consumer, `${line}\n`);
      expect(result(exit)).toEqual(EXPECTED);
    }
  });
});
