// The package graph of the published packages, from their package.json `dependencies`, as a Mermaid diagram
// (arrows point from a package to what it uses). ARCHITECTURE.md holds its output between the markers
// `<!-- package-graph:start -->` and `<!-- package-graph:end -->`; a test in tooling/repo-checks keeps them equal.
//   node tooling/scripts/package-graph.mjs           prints the diagram
//   node tooling/scripts/package-graph.mjs --write   rewrites it in ARCHITECTURE.md
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
const START = "<!-- package-graph:start -->";
const END = "<!-- package-graph:end -->";

/** name → its @xqg runtime dependencies, for every published package of packages/ and apps/. */
export function packageGraph(root = ROOT) {
  const graph = new Map();
  for (const group of ["packages", "apps"]) {
    for (const dir of readdirSync(join(root, group)).sort()) {
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, group, dir, "package.json"), "utf8"));
      } catch {
        continue;
      }
      if (manifest.private) continue;
      const deps = Object.keys(manifest.dependencies ?? {}).filter(
        (d) => d.startsWith("@xqg/") || d === "xqg",
      );
      graph.set(manifest.name, deps.sort());
    }
  }
  return graph;
}

export function mermaid(graph) {
  const id = (name) => name.replace(/^@xqg\//, "").replace(/[^a-z0-9]/g, "_");
  const lines = ["```mermaid", "graph TD"];
  for (const name of [...graph.keys()].sort()) lines.push(`  ${id(name)}["${name}"]`);
  for (const [name, deps] of [...graph].sort(([a], [b]) => a.localeCompare(b)))
    for (const dep of deps) lines.push(`  ${id(name)} --> ${id(dep)}`);
  lines.push("```");
  return lines.join("\n");
}

export function withGraph(markdown, diagram) {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`ARCHITECTURE.md lacks the ${START} … ${END} markers`);
  return `${markdown.slice(0, start + START.length)}\n${diagram}\n${markdown.slice(end)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const diagram = mermaid(packageGraph());
  if (process.argv.includes("--write")) {
    const file = join(ROOT, "ARCHITECTURE.md");
    writeFileSync(file, withGraph(readFileSync(file, "utf8"), diagram));
  } else {
    console.log(diagram);
  }
}
