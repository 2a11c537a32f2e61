import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { exec } from "./exec.js";
import { ROOT, type WorkspacePackage } from "./workspace.js";

/** Where the committed API reports live, one `<name>.api.md` per published package. */
export const API_DIR = join(ROOT, "tooling", "repo-checks", "api");

/** `@xqg/metrics` → `metrics.api.md`; `xqg` → `xqg.api.md`. */
export function apiFileName(packageName: string): string {
  return `${packageName.replace(/^@xqg\//, "")}.api.md`;
}

/** The ES module entry (`exports["."].import`): the CommonJS one beside it is built from the same sources. */
function entryPoints(p: WorkspacePackage): { js: string; dts: string } {
  const main = (p.manifest["exports"] as Record<string, Record<string, Record<string, string>>>)["."]!;
  const esm = main["import"]!;
  return { js: join(p.dir, esm["default"]!), dts: join(p.dir, esm["types"]!) };
}

/** What `import("<package>")` gives at run time: each export's name and `typeof` ("class" for classes). */
export async function runtimeExports(p: WorkspacePackage): Promise<Array<{ name: string; kind: string }>> {
  const { js } = entryPoints(p);
  if (!existsSync(js)) throw new Error(`${p.name}: ${relative(ROOT, js)} missing; build the package first`);
  const mod = (await import(pathToFileURL(js).href)) as Record<string, unknown>;
  return Object.keys(mod)
    .sort(byName)
    .map((name) => {
      const value = mod[name];
      const kind =
        typeof value === "function" && /^class\b/.test(Function.prototype.toString.call(value))
          ? "class"
          : typeof value;
      return { name, kind };
    });
}

export interface ApiDeclaration {
  /** The exported name (or, for `unexported`, the declared name). */
  name: string;
  /** Declarations as the .d.ts states them: comments, `export`/`declare` and private class members left out. */
  text: string;
  /** For an unexported declaration: the .d.ts file that holds it, relative to the package. */
  file?: string;
}

export interface DeclaredSurface {
  exports: ApiDeclaration[];
  /** Declarations of this package that the exported ones refer to but that the package does not export. */
  unexported: ApiDeclaration[];
}

/** Code-unit order: the same on every machine, whatever its locale. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

function isPrivateMember(member: ts.ClassElement): boolean {
  return (
    (member.name !== undefined && ts.isPrivateIdentifier(member.name)) ||
    (ts.canHaveModifiers(member) &&
      (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword))
  );
}

/** The node to print for a declaration, and the one to walk for references. */
function statementOf(decl: ts.Declaration): ts.Node {
  if (ts.isVariableDeclaration(decl)) {
    const list = decl.parent;
    if (ts.isVariableDeclarationList(list) && ts.isVariableStatement(list.parent)) {
      if (list.declarations.length === 1) return list.parent;
    }
  }
  return decl;
}

function printDeclaration(decl: ts.Declaration): string {
  const file = decl.getSourceFile();
  let node = statementOf(decl);
  if (ts.isClassDeclaration(node)) {
    node = ts.factory.updateClassDeclaration(
      node,
      node.modifiers,
      node.name,
      node.typeParameters,
      node.heritageClauses,
      node.members.filter((m) => !isPrivateMember(m)),
    );
  }
  let text = printer.printNode(ts.EmitHint.Unspecified, node, file);
  if (ts.isVariableDeclaration(node)) text = `const ${text};`;
  return text.replace(/^(export )?(default )?(declare )?/, "");
}

/** The package (name from the nearest package.json) a declaration file belongs to. */
function owningPackage(file: string): string | undefined {
  let dir = dirname(file);
  while (dir !== dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name;
    dir = dirname(dir);
  }
  return undefined;
}

function rightmost(name: ts.EntityName): ts.Identifier {
  return ts.isIdentifier(name) ? name : name.right;
}

/**
 * The exported declarations of a package's `.d.ts` entry point, read with the TypeScript compiler: each export
 * with the text of its declarations, re-exports of other packages named as such, and the package's own
 * unexported declarations that exported ones refer to (what API Extractor calls a forgotten export).
 */
export function declaredSurface(p: WorkspacePackage): DeclaredSurface {
  const { dts } = entryPoints(p);
  if (!existsSync(dts)) throw new Error(`${p.name}: ${relative(ROOT, dts)} missing; build the package first`);
  const program = ts.createProgram([dts], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const ownDist = realpathSync(dirname(dts)) + sep;
  const isOwn = (decl: ts.Declaration) => realpathSync(decl.getSourceFile().fileName).startsWith(ownDist);
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  const entry = program.getSourceFile(dts)!;
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(entry)!);
  const exportedTargets = new Set(exported.map(resolve));
  const pending: ts.Symbol[] = [];
  const seen = new Set<ts.Symbol>();

  const referenced = (node: ts.Node): ts.Symbol | undefined => {
    if (ts.isTypeReferenceNode(node)) return checker.getSymbolAtLocation(rightmost(node.typeName));
    if (ts.isImportTypeNode(node) && node.qualifier)
      return checker.getSymbolAtLocation(rightmost(node.qualifier));
    if (ts.isTypeQueryNode(node)) return checker.getSymbolAtLocation(rightmost(node.exprName));
    if (ts.isExpressionWithTypeArguments(node)) return checker.getSymbolAtLocation(node.expression);
    return undefined;
  };
  const walk = (node: ts.Node): void => {
    if (ts.isClassElement(node) && isPrivateMember(node)) return;
    const found = referenced(node);
    if (found) {
      const target = resolve(found);
      const decls = target.declarations ?? [];
      if (
        !(target.flags & ts.SymbolFlags.TypeParameter) &&
        decls.length > 0 &&
        decls.every(isOwn) &&
        !exportedTargets.has(target) &&
        !seen.has(target)
      ) {
        seen.add(target);
        pending.push(target);
      }
    }
    ts.forEachChild(node, walk);
  };

  const exports: ApiDeclaration[] = [];
  for (const symbol of [...exported].sort((a, b) => byName(a.name, b.name))) {
    const target = resolve(symbol);
    const decls = target.declarations ?? [];
    const foreign = decls.find((d) => !isOwn(d));
    if (foreign) {
      const from = owningPackage(realpathSync(foreign.getSourceFile().fileName)) ?? "?";
      const spec = target.name === symbol.name ? symbol.name : `${target.name} as ${symbol.name}`;
      exports.push({ name: symbol.name, text: `export { ${spec} } from "${from}";` });
      continue;
    }
    exports.push({ name: symbol.name, text: decls.map(printDeclaration).join("\n") });
    for (const d of decls) walk(statementOf(d));
  }

  const unexported: ApiDeclaration[] = [];
  while (pending.length > 0) {
    const symbol = pending.shift()!;
    const decls = symbol.declarations!;
    const file = relative(p.dir, realpathSync(decls[0]!.getSourceFile().fileName)).split(sep).join("/");
    unexported.push({ name: symbol.name, file, text: decls.map(printDeclaration).join("\n") });
    for (const d of decls) walk(statementOf(d));
  }
  unexported.sort((a, b) => byName(a.name, b.name) || byName(a.file!, b.file!));
  return { exports, unexported };
}

/** The committed, human-readable API report of one package: runtime exports, then declarations. */
export async function renderApiReport(p: WorkspacePackage): Promise<string> {
  const runtime = await runtimeExports(p);
  const { exports, unexported } = declaredSurface(p);
  const block = (d: ApiDeclaration, heading: string) => `### ${heading}\n\n\`\`\`ts\n${d.text}\n\`\`\`\n`;
  const lines = [
    `# ${p.name}: public API`,
    "",
    "<!-- Generated from dist/index.js and dist/index.d.ts by tooling/repo-checks/test/api-surface.test.ts; do not edit. -->",
    "<!-- A change of this file is a change of the package's public surface: it needs a changeset naming the package. -->",
    "",
    `## Runtime exports (${runtime.length})`,
    "",
    "| name | typeof |",
    "| --- | --- |",
    ...runtime.map((r) => `| \`${r.name}\` | ${r.kind} |`),
    "",
    `## Declarations (${exports.length})`,
    "",
    ...exports.map((d) => block(d, `\`${d.name}\``)),
  ];
  if (unexported.length > 0) {
    lines.push(
      `## Referenced but not exported (${unexported.length})`,
      "",
      "Declarations of this package that exported ones refer to, without exporting them.",
      "",
      ...unexported.map((d) => block(d, `\`${d.name}\` (${d.file})`)),
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The packages named in the front matter of a changeset file. */
export function changesetPackages(text: string): string[] {
  const front = /^---\n([\s\S]*?)\n---/.exec(text);
  if (!front) return [];
  return front[1]!
    .split("\n")
    .map((line) => /^\s*"?([^":]+)"?\s*:/.exec(line)?.[1]?.trim())
    .filter((name): name is string => name !== undefined);
}

/**
 * Files under `dir` (relative to the repository root) that differ from `base` in the working tree, with git's
 * status letter (`M`, `A`, `D`, …); untracked files count as added (`A`).
 */
export function changedFiles(dir: string, base: string): Array<{ status: string; path: string }> {
  const out: Array<{ status: string; path: string }> = [];
  const diff = exec("git", ["diff", "--name-status", "--no-renames", base, "--", dir], { cwd: ROOT }).stdout;
  for (const line of diff.split("\n")) {
    const [status, path] = line.split("\t");
    if (status && path) out.push({ status: status[0]!, path });
  }
  const untracked = exec("git", ["ls-files", "--others", "--exclude-standard", "--", dir], {
    cwd: ROOT,
  }).stdout;
  for (const path of untracked.split("\n")) if (path !== "") out.push({ status: "A", path });
  return out;
}

/**
 * The packages whose report was modified (not just added) without a changeset naming them: `reports` and
 * `changesets` are the files changed since some base (`changedFiles`), `read` gives a changeset's text.
 */
export function unannouncedChanges(
  packageNames: readonly string[],
  reports: ReadonlyArray<{ status: string; path: string }>,
  changesets: ReadonlyArray<{ status: string; path: string }>,
  read: (path: string) => string,
): string[] {
  const named = new Set(
    changesets
      .filter((f) => f.status !== "D" && f.path.endsWith(".md") && !f.path.endsWith("/README.md"))
      .flatMap((f) => changesetPackages(read(f.path))),
  );
  return reports
    .filter((f) => f.status === "M" && f.path.endsWith(".api.md"))
    .map((f) => packageNames.find((name) => f.path.endsWith(`/${apiFileName(name)}`)) ?? f.path)
    .filter((name) => !named.has(name));
}
