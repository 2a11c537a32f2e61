import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MetricsError } from "../errors.js";

/** The parameters of a trained Punkt sentence tokenizer (NLTK's `PunktParameters`). */
export interface PunktParameters {
  /** Abbreviation types, lower case, without the final period (`u.s`, `dr`). */
  readonly abbrevTypes: ReadonlySet<string>;
  /** Collocations as `first + "\t" + second` (types; `##number##` for any number). */
  readonly collocations: ReadonlySet<string>;
  /** Frequent sentence starters, lower case. */
  readonly sentStarters: ReadonlySet<string>;
  /** Orthographic-context bit flags per lower-cased type (absent = 0). */
  readonly orthoContext: ReadonlyMap<string, number>;
}

export interface PunktLoadOptions {
  /**
   * A `punkt_tab/<language>` folder holding the four files, a `punkt_tab` folder, or an nltk_data root
   * (with `tokenizers/punkt_tab/<language>`). Without it: `$NLTK_DATA`, then the English tables this package
   * ships (see {@link SHIPPED_PUNKT_DIR}), then NLTK's standard locations (other languages).
   */
  path?: string;
  /** Punkt model name; only `english` is validated against NLTK. */
  language?: string;
}

/** The Punkt parameter files are missing or malformed (a user's environment problem, not a bug). */
function punktError(reason: string, where: { file?: string; line?: number } = {}): MetricsError {
  return new MetricsError(reason, { ...where, code: "punkt-data", prefix: false });
}

export const PUNKT_FILES = [
  "abbrev_types.txt",
  "collocations.tab",
  "sent_starters.txt",
  "ortho_context.tab",
] as const;

/**
 * NLTK's English `punkt_tab` tables as this package ships them (`data/punkt_tab/english`, unmodified from
 * nltk_data, Apache-2.0; see NOTICE): what R@kt uses when neither a path nor `$NLTK_DATA` names others.
 */
export const SHIPPED_PUNKT_DIR = fileURLToPath(new URL("../../data/punkt_tab/english", import.meta.url));

/** NLTK's default nltk_data search path (`nltk.data.path`) on POSIX systems. */
export function standardNltkDataDirs(): string[] {
  const prefix = process.env["PYTHONHOME"] ?? "/usr";
  const dirs = [
    join(homedir(), "nltk_data"),
    join(prefix, "nltk_data"),
    join(prefix, "share", "nltk_data"),
    join(prefix, "lib", "nltk_data"),
    "/usr/share/nltk_data",
    "/usr/local/share/nltk_data",
    "/usr/lib/nltk_data",
    "/usr/local/lib/nltk_data",
  ];
  return [...new Set(dirs)];
}

function hasAllFiles(dir: string): boolean {
  return PUNKT_FILES.every((f) => existsSync(join(dir, f)));
}

function candidatesUnder(root: string, language: string): string[] {
  return [root, join(root, language), join(root, "tokenizers", "punkt_tab", language)];
}

/** The folder holding the Punkt files, searched as NLTK users expect; throws a one-line error if absent. */
export function findPunktDir(opts: PunktLoadOptions = {}): string {
  const language = opts.language ?? "english";
  if (opts.path !== undefined) {
    const found = candidatesUnder(resolve(opts.path), language).find(hasAllFiles);
    if (found) return found;
    throw punktError(
      `Punkt parameters not found in ${resolve(opts.path)} (need ${PUNKT_FILES.join(", ")} in it, in ./${language} or in ./tokenizers/punkt_tab/${language}); get them with: python -m nltk.downloader punkt_tab`,
    );
  }
  const envRoots = (process.env["NLTK_DATA"] ?? "").split(delimiter).filter((p) => p !== "");
  for (const root of envRoots) {
    const dir = join(root, "tokenizers", "punkt_tab", language);
    if (hasAllFiles(dir)) return dir;
  }
  if (language === "english" && hasAllFiles(SHIPPED_PUNKT_DIR)) return SHIPPED_PUNKT_DIR;
  for (const root of standardNltkDataDirs()) {
    const dir = join(root, "tokenizers", "punkt_tab", language);
    if (hasAllFiles(dir)) return dir;
  }
  throw punktError(
    `NLTK Punkt parameters (tokenizers/punkt_tab/${language}) not found in $NLTK_DATA or ${standardNltkDataDirs().join(", ")} (this package ships English only); run \`python -m nltk.downloader punkt_tab\` (or \`-d <dir>\` with NLTK_DATA=<dir>), or pass the folder explicitly`,
  );
}

// punkt_tab files: lines split on "\n" only and never trimmed (one abbreviation is ". . ").
function lines(dir: string, file: string): string[] {
  const text = readFileSync(join(dir, file), "utf8");
  return text === "" ? [] : text.split("\n").filter((l, i, all) => !(l === "" && i === all.length - 1));
}

function fail(dir: string, file: string, line: number, why: string): never {
  throw punktError(`${join(dir, file)}:${line}: ${why}`, { file: join(dir, file), line });
}

/** Reads NLTK's `punkt_tab` parameters (the text form of the Punkt model) from a folder. */
export function readPunktDir(dir: string): PunktParameters {
  const collocations = new Set<string>();
  lines(dir, "collocations.tab").forEach((l, i) => {
    const parts = l.split("\t");
    if (parts.length !== 2) fail(dir, "collocations.tab", i + 1, "expected `first<TAB>second`");
    collocations.add(l);
  });
  const orthoContext = new Map<string, number>();
  lines(dir, "ortho_context.tab").forEach((l, i) => {
    const tab = l.lastIndexOf("\t");
    const flags = Number(l.slice(tab + 1));
    if (tab < 0 || !Number.isInteger(flags))
      fail(dir, "ortho_context.tab", i + 1, "expected `type<TAB>flags`");
    orthoContext.set(l.slice(0, tab), flags);
  });
  return {
    abbrevTypes: new Set(lines(dir, "abbrev_types.txt")),
    collocations,
    sentStarters: new Set(lines(dir, "sent_starters.txt")),
    orthoContext,
  };
}

/** Finds (see {@link findPunktDir}) and reads the Punkt parameters. */
export function loadPunktParameters(opts: PunktLoadOptions = {}): PunktParameters {
  return readPunktDir(findPunktDir(opts));
}
