import { readFile } from "node:fs/promises";
import { idsPath, writeFileAtomic } from "@xqg/core";
import type { Lang } from "@xqg/corpus";
import { FusionError } from "./errors.js";

/** Files of a Σq matrix `X.npy`, as {@link sumQueries} and {@link concatQuerySums} write them. */
export interface QuerySumFiles {
  /** Σq over every query of every language, float32 [passages, dimensions]. */
  sums: string;
  /** Queries per passage, float32 [passages, 1 + languages]: total, then one column per language. */
  counts: string;
  /** Per-language Σq, float32 [passages, dimensions] each (only for the languages kept apart). */
  languageSums: Partial<Record<Lang, string>>;
  /** JSON description (`X.sums.json`): passages, dimensions, languages, total queries. */
  manifest: string;
  /** Passage ids, one per line. */
  ids: string;
}

const stem = (path: string) => (path.endsWith(".npy") ? path.slice(0, -4) : path);

/** The files of the Σq matrix at `path`, with one per-language sum for each of `languages`. */
export function querySumFiles(path: string, languages: readonly Lang[] = []): QuerySumFiles {
  const base = stem(path);
  return {
    sums: path,
    counts: `${base}.counts.npy`,
    languageSums: Object.fromEntries(languages.map((l) => [l, `${base}.${l}.npy`])),
    manifest: `${base}.sums.json`,
    ids: idsPath(path),
  };
}

export interface QuerySumShape {
  passages: number;
  dimensions: number;
  queries: number;
  languages: Lang[];
}

export interface QuerySumManifest extends QuerySumShape {
  format: "xqg-query-sums";
  version: 2;
}

/** Writes the JSON description of a Σq matrix beside it (atomically). */
export async function writeQuerySumManifest(
  files: QuerySumFiles,
  shape: Omit<QuerySumShape, "languages"> & { languages: readonly Lang[] },
): Promise<void> {
  const manifest: QuerySumManifest = {
    format: "xqg-query-sums",
    version: 2,
    passages: shape.passages,
    dimensions: shape.dimensions,
    queries: shape.queries,
    languages: [...shape.languages],
  };
  await writeFileAtomic(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Each older version's description, brought to the current one: version 1 (written before the rename of
 * `dim`) said `dim` for `dimensions`. Σq files already computed stay readable.
 */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  1: ({ dim, ...rest }) => ({ ...rest, version: 2, dimensions: dim }),
};

/** Reads the JSON description of a Σq matrix, checking its format (older versions are migrated). */
export async function readQuerySumManifest(path: string): Promise<QuerySumManifest> {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new FusionError(
      `${path}: cannot read the Σq description written beside the sums (${(error as Error).message})`,
      { code: "bad-manifest", file: path, cause: error },
    );
  }
  if (m?.["format"] !== "xqg-query-sums")
    throw new FusionError(
      `${path}: field "format" must be "xqg-query-sums", got ${JSON.stringify(m?.["format"])}`,
      { code: "bad-manifest", file: path, field: "format" },
    );
  const migrate = MIGRATIONS[m["version"] as number];
  if (migrate) m = migrate(m);
  if (m["version"] !== 2)
    throw new FusionError(`${path}: field "version" must be 1 or 2, got ${JSON.stringify(m["version"])}`, {
      code: "bad-manifest",
      file: path,
      field: "version",
    });
  return m as unknown as QuerySumManifest;
}
