import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { API_DIR, apiFileName } from "./api-surface.js";
import { ROOT, type WorkspacePackage } from "./workspace.js";

/** A README's sections by heading (`## API` → its text up to the next heading of the same or a higher level). */
export function section(markdown: string, heading: RegExp): string | undefined {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => /^#{2,3} /.test(line) && heading.test(line.replace(/^#+ /, "")));
  if (start < 0) return undefined;
  const level = /^(#+)/.exec(lines[start]!)![1]!.length;
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/**
 * The names in the first column of every Markdown table of `text`: each backticked name, without a call's
 * arguments (`` `createEncoder(dir, options)` `` → `createEncoder`); a member path stays whole (`encoder.encode`).
 */
export function tableNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("|") || /^\|\s*-/.test(line)) continue;
    const first = line.split("|")[1] ?? "";
    for (const match of first.matchAll(/`([^`]+)`/g)) {
      const name = /^(?:new\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)/.exec(match[1]!.trim())?.[1];
      if (name) names.push(name);
    }
  }
  return names;
}

/** The package's public API report (`tooling/repo-checks/api/<name>.api.md`), as committed. */
function apiReport(p: WorkspacePackage): string {
  const file = join(API_DIR, apiFileName(p.name));
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** Names the package exports, at run time or as types, according to its API report. */
export function exportedNames(p: WorkspacePackage): Set<string> {
  const report = apiReport(p);
  const names = new Set<string>();
  for (const m of report.matchAll(/^\| `([^`]+)` \|/gm)) names.add(m[1]!);
  for (const m of report.matchAll(/^### `([^`]+)`/gm)) names.add(m[1]!);
  return names;
}

/** Whether `name` is a property (`name:`, `name?:`, or a method `name(`) of some declaration in the API report. */
export function isDeclaredMember(p: WorkspacePackage, name: string): boolean {
  const escaped = name.replace(/[$]/g, "\\$");
  return new RegExp(`(^|[\\s{;,(])(readonly\\s+)?${escaped}\\??(:|\\(|<)`, "m").test(apiReport(p));
}

/** Backticked repository paths in a Markdown text (`apps/runner/src/plan.ts`, `tooling/scripts/env.sh`). */
export function repositoryPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`((?:apps|packages|tooling)\/[\w./-]+)`/g)) out.push(m[1]!);
  return out;
}

export const readText = (...parts: string[]): string => readFileSync(join(ROOT, ...parts), "utf8");
