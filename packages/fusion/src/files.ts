import { readFile } from "node:fs/promises";
import { idsPath, writeFileAtomic } from "@xqg/core";
import type { Lang } from "@xqg/corpus";
import { FusionError } from "./errors.js";

/** Files written next to a Σq matrix `X.npy` by the accumulator. */
export interface QuerySumFiles {
  /** Σq over every query of every language, float32 [passages, dim]. */
  sums: string;
  /** Queries per passage, float32 [passages, 1 + languages]: total, then one column per language. */
  counts: string;
  /** Per-language Σq, float32 [passages, dim] each (only when the accumulator was asked for languages). */
  languageSums: Partial<Record<Lang, string>>;
  /** JSON description: passages, dim, languages, total queries. */
  manifest: string;
  /** Passage ids, one per line, when given to `finish`. */
  ids: string;
}

const stem = (path: string) => (path.endsWith(".npy") ? path.slice(0, -4) : path);

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

export interface QuerySumManifest {
  format: "xqg-query-sums";
  version: 1;
  passages: number;
  dim: number;
  queries: number;
  languages: Lang[];
}

/** Writes the JSON description of a Σq matrix beside it (atomically). */
export async function writeQuerySumManifest(
  files: QuerySumFiles,
  shape: { passages: number; dim: number; queries: number; languages: readonly Lang[] },
): Promise<void> {
  const manifest: QuerySumManifest = {
    format: "xqg-query-sums",
    version: 1,
    passages: shape.passages,
    dim: shape.dim,
    queries: shape.queries,
    languages: [...shape.languages],
  };
  await writeFileAtomic(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads the JSON description of a Σq matrix, checking its format. */
export async function readQuerySumManifest(path: string): Promise<QuerySumManifest> {
  let m: QuerySumManifest;
  try {
    m = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new FusionError(
      `${path}: cannot read the Σq manifest written by the accumulator (${(error as Error).message})`,
      "bad-manifest",
      { file: path, cause: error },
    );
  }
  if (m?.format !== "xqg-query-sums")
    throw new FusionError(
      `${path}: field "format" must be "xqg-query-sums", got ${JSON.stringify(m?.format)}`,
      "bad-manifest",
      { file: path, field: "format" },
    );
  return m;
}
