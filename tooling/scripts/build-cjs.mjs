// The CommonJS half of a published package's dual build, run by its `build` script right after
// `tsc -p tsconfig.build.json` (the ES module half):
//
//   node ../../tooling/scripts/build-cjs.mjs [tsconfig.build.json]
//
// Beside every dist/**/x.js (ESM) and x.d.ts it writes x.cjs, x.cjs.map and x.d.cts, in the same folder, so
// relative paths that code computes from its own location (`new URL("../package.json", import.meta.url)`)
// point at the same files in both formats:
//
// - x.cjs: the same sources emitted by TypeScript with `module: commonjs` (no type check: the ESM build just
//   did that); relative `require("./y.js")` become `require("./y.cjs")`; `import.meta.url`,
//   `import.meta.filename` and `import.meta.dirname` become the CommonJS equivalents of the same values
//   (the file's URL, path and folder). Dynamic `import()` of a relative module becomes `require()`, as
//   TypeScript emits it for CommonJS, so Jest and other CommonJS loaders can follow it.
// - x.d.cts: a copy of the ESM x.d.ts whose relative specifiers name .cjs files, so TypeScript resolves the
//   CommonJS entry's types as CommonJS (node16/nodenext `require`).
//
// Each x.cjs is then compiled as a CommonJS module body (not run): anything only an ES module may contain
// (top-level await, another `import.meta` property) fails the build here instead of in a consumer's require().
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { compileFunction } from "node:vm";
import ts from "typescript";

const configFile = resolve(process.argv[2] ?? "tsconfig.build.json");

function fail(message) {
  process.stderr.write(`build-cjs: ${message}\n`);
  process.exit(1);
}

function parse(overrides) {
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, overrides, host);
  if (!parsed) fail(`cannot read ${configFile}`);
  if (parsed.errors.length > 0)
    fail(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n"));
  return parsed;
}

const esm = parse({});
const outDir = esm.options.outDir;
if (!outDir) fail(`${configFile} sets no outDir`);

/** Every file ending in one of `suffixes` under `dir`. */
function walk(dir, suffixes, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, suffixes, out);
    else if (suffixes.some((s) => e.name.endsWith(s))) out.push(path);
  }
  return out;
}

// Outputs of an earlier CommonJS build (a source may have been removed or renamed since).
for (const stale of walk(outDir, [".cjs", ".cjs.map", ".d.cts"])) rmSync(stale);

// ES module outputs whose source is gone (tsc never deletes what it wrote before): a stale dist/x.js would be
// packed without its CommonJS twin.
const rootDir = esm.options.rootDir ?? dirname(configFile);
const sources = new Set(esm.fileNames.map((f) => resolve(f).replace(/\.(m|c)?tsx?$/, "")));
for (const built of walk(outDir, [".js", ".js.map", ".d.ts", ".d.ts.map"])) {
  const stem = built.replace(/(\.d)?\.ts(\.map)?$|\.js(\.map)?$/, "");
  if (!sources.has(join(rootDir, relative(outDir, stem)))) rmSync(built);
}

/** `./y.js` → `./y.cjs` for relative specifiers; anything else unchanged. */
const relativeJs = (quote, path) => `${quote}${path}.cjs${quote}`;

function toCommonJs(text, file) {
  let out = text
    // require("./y.js"), require('../y.js'): TypeScript's CommonJS output for import, export … from, import().
    .replace(/\brequire\((["'])(\.{1,2}\/[^"'\n]*?)\.js\1\)/g, (_, q, p) => `require(${relativeJs(q, p)})`)
    .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href')
    .replace(/\bimport\.meta\.filename\b/g, "__filename")
    .replace(/\bimport\.meta\.dirname\b/g, "__dirname")
    .replace(/^\/\/# sourceMappingURL=(.*)\.js\.map$/m, "//# sourceMappingURL=$1.cjs.map");
  try {
    compileFunction(out, ["exports", "require", "module", "__filename", "__dirname"], { filename: file });
  } catch (error) {
    fail(
      `${relative(process.cwd(), file)} is not valid CommonJS (${error.message}); ` +
        "top-level await and import.meta properties other than url, filename and dirname have no CommonJS form",
    );
  }
  if (!out.endsWith("\n")) out += "\n";
  return out;
}

const cjs = parse({
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  verbatimModuleSyntax: false,
  noCheck: true,
  declaration: false,
  declarationMap: false,
});
const program = ts.createProgram({ rootNames: cjs.fileNames, options: cjs.options });
const written = [];
const emit = program.emit(undefined, (fileName, text) => {
  if (fileName.endsWith(".js")) {
    const target = `${fileName.slice(0, -3)}.cjs`;
    writeFileSync(target, toCommonJs(text, target));
    written.push(target);
  } else if (fileName.endsWith(".js.map")) {
    const map = JSON.parse(text);
    map.file = basename(fileName).replace(/\.js\.map$/, ".cjs");
    writeFileSync(`${fileName.slice(0, -7)}.cjs.map`, JSON.stringify(map));
  } else if (!fileName.endsWith(".json")) {
    // (JSON files the sources import are already in outDir: the ES module build copied them.)
    fail(`unexpected output ${fileName}`);
  }
});
const errors = emit.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
if (errors.length > 0) {
  fail(
    ts.formatDiagnostics(errors, {
      ...ts.sys,
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => process.cwd(),
      getNewLine: () => "\n",
    }),
  );
}
if (written.length === 0) fail(`no CommonJS output for ${configFile}`);

// Types: the ESM declarations of this build's sources, with relative specifiers naming .cjs files.
if (esm.options.declaration) {
  for (const source of esm.fileNames) {
    if (source.endsWith(".d.ts")) continue;
    const outputs = ts.getOutputFileNames(esm, source, !ts.sys.useCaseSensitiveFileNames);
    const dts = outputs.find((f) => f.endsWith(".d.ts"));
    if (!dts) continue;
    let text;
    try {
      text = readFileSync(dts, "utf8");
    } catch {
      fail(
        `${relative(process.cwd(), dts)} missing: run the ES module build (tsc -p ${basename(configFile)}) first`,
      );
    }
    const cts = text.replace(
      /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"'\n]*?)\.js\2/g,
      (_, lead, q, p) => `${lead}${relativeJs(q, p)}`,
    );
    writeFileSync(join(dirname(dts), `${basename(dts, ".d.ts")}.d.cts`), cts);
  }
}
