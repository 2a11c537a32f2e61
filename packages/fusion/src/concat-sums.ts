import { concatNpy } from "@xqg/corpus";
import { FusionError } from "./errors.js";
import {
  type QuerySumFiles,
  type QuerySumManifest,
  querySumFiles,
  readQuerySumManifest,
  writeQuerySumManifest,
} from "./files.js";

/**
 * Joins Σq matrices of consecutive passage ranges (e.g. one per corpus shard, each summed on its own machine)
 * into the Σq of all of them, in the given order: the sums, the counts, every per-language sum and the ids, block
 * by block, and a description whose passage and query counts are the parts' totals. Each row depends only on its
 * passage's queries, so the result is byte for byte what one `sumQueries` over all the generated queries writes. The parts
 * must share their dimension and kept languages.
 */
export async function concatQuerySums(parts: readonly string[], out: string): Promise<QuerySumFiles> {
  if (parts.length === 0)
    throw new FusionError("concatQuerySums: no parts given", { code: "invalid-option", field: "parts" });
  if (typeof out !== "string")
    throw new FusionError("concatQuerySums: out must be a path", { code: "invalid-option", field: "out" });
  const manifests: QuerySumManifest[] = [];
  for (const part of parts) manifests.push(await readQuerySumManifest(querySumFiles(part).manifest));
  const first = manifests[0]!;
  manifests.forEach((m, i) => {
    const same = m.dimensions === first.dimensions && m.languages.join(",") === first.languages.join(",");
    if (!same)
      throw new FusionError(
        `${parts[i]}: ${m.dimensions} dimensions with languages [${m.languages.join(", ")}], but ${parts[0]} has ${first.dimensions} with [${first.languages.join(", ")}]`,
        { code: "shape-mismatch", file: parts[i]! },
      );
  });
  const languages = first.languages;
  const files = querySumFiles(out, languages);
  const partFiles = parts.map((part) => querySumFiles(part, languages));
  await concatNpy(
    partFiles.map((p) => p.sums),
    { out: files.sums, ids: files.ids },
  );
  await concatNpy(
    partFiles.map((p) => p.counts),
    { out: files.counts },
  );
  for (const l of languages)
    await concatNpy(
      partFiles.map((p) => p.languageSums[l]!),
      { out: files.languageSums[l]! },
    );
  const sum = (field: "passages" | "queries") => manifests.reduce((total, m) => total + m[field], 0);
  await writeQuerySumManifest(files, {
    passages: sum("passages"),
    dimensions: first.dimensions,
    queries: sum("queries"),
    languages,
  });
  return files;
}
