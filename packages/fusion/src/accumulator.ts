import { writeIds } from "@xqg/core";
import { createNpyWriter, type Lang } from "@xqg/corpus";
import { checkDim, checkFinite, checkLang, checkLanguages } from "./checks.js";
import { FusionError } from "./errors.js";
import { type QuerySumFiles, querySumFiles, writeQuerySumManifest } from "./files.js";

export interface QuerySumBlock {
  /** For each row of `vectors`, the index of the passage it was generated from. */
  passageIndex: Int32Array | Uint32Array | readonly number[];
  /** Query embeddings, [passageIndex.length × dim]. */
  vectors: Float32Array;
  /** Language of every query in the block; required when the accumulator keeps languages apart. */
  lang?: Lang;
}

export interface QuerySumAccumulator {
  readonly passages: number;
  readonly dim: number;
  readonly languages: readonly Lang[];
  /** Query embeddings added so far. */
  readonly queries: number;
  add(block: QuerySumBlock): void;
  /** Σq rows so far (a copy), for in-memory use. */
  sums(): Float32Array;
  /** Queries per passage so far (a copy). */
  counts(): Uint32Array;
  /** Writes Σq (and counts, per-language sums, manifest, ids) next to `path`; the accumulator is then closed. */
  finish(path: string, options?: { ids?: Iterable<string> | AsyncIterable<string> }): Promise<QuerySumFiles>;
}

/**
 * Keeps one Σq row and one count per passage (and per language when asked), never the query embeddings
 * themselves. Sums are float32, added in arrival order: the same numbers NumPy gives for `Q.sum(axis=0)`
 * over a passage's queries stacked in that order.
 */
export function createQuerySumAccumulator(options: {
  passages: number;
  dim: number;
  languages?: readonly Lang[];
}): QuerySumAccumulator {
  const { passages } = options;
  if (!Number.isInteger(passages) || passages < 0)
    throw new FusionError(`passages must be a non-negative integer, got ${passages}`, "bad-option", {
      field: "passages",
    });
  const dim = checkDim(options.dim);
  const languages = checkLanguages(options.languages);
  const total = new Float32Array(passages * dim);
  const totalCounts = new Uint32Array(passages);
  const perLang = new Map(
    languages.map((l) => [l, { sum: new Float32Array(passages * dim), counts: new Uint32Array(passages) }]),
  );
  let queries = 0;
  let finished = false;

  function addInto(
    sum: Float32Array,
    counts: Uint32Array,
    index: ArrayLike<number>,
    vectors: Float32Array,
  ): void {
    for (let r = 0; r < index.length; r++) {
      const o = index[r]! * dim;
      const v = r * dim;
      for (let j = 0; j < dim; j++) sum[o + j] = sum[o + j]! + vectors[v + j]!; // Float32Array stores round to float32
      counts[index[r]!]!++;
    }
  }

  return {
    passages,
    dim,
    languages,
    get queries() {
      return queries;
    },
    add(block) {
      if (finished) throw new FusionError("add after finish: the accumulator is closed", "closed");
      const { passageIndex, vectors, lang } = block;
      if (!(vectors instanceof Float32Array))
        throw new FusionError("block.vectors must be a Float32Array", "bad-option", { field: "vectors" });
      if (vectors.length !== passageIndex.length * dim) {
        throw new FusionError(
          `block has ${passageIndex.length} passage indexes but ${vectors.length / dim} vectors of dim ${dim} (${vectors.length} floats)`,
          "shape-mismatch",
          { field: "vectors" },
        );
      }
      checkFinite({ field: "vectors" }, vectors, dim, 0, (row) => ` (passage index ${passageIndex[row]})`);
      for (let r = 0; r < passageIndex.length; r++) {
        const i = passageIndex[r]!;
        if (!Number.isInteger(i) || i < 0 || i >= passages)
          throw new FusionError(
            `block row ${r}: passage index ${i} is outside 0..${passages - 1}`,
            "bad-option",
            { field: "passageIndex" },
          );
      }
      let target: { sum: Float32Array; counts: Uint32Array } | undefined;
      if (languages.length > 0) {
        if (lang === undefined)
          throw new FusionError(
            `block.lang is required: this accumulator keeps ${languages.join(", ")} apart`,
            "bad-option",
            { field: "lang" },
          );
        // a language not kept apart counts in the total only
        target = perLang.get(lang);
      }
      if (lang !== undefined) checkLang(lang, "lang");
      addInto(total, totalCounts, passageIndex, vectors);
      if (target) addInto(target.sum, target.counts, passageIndex, vectors);
      queries += passageIndex.length;
    },
    sums: () => total.slice(),
    counts: () => totalCounts.slice(),
    async finish(path, finishOptions = {}) {
      if (finished) throw new FusionError("finish called twice", "closed");
      finished = true;
      const files = querySumFiles(path, languages);
      let ids: string[] | undefined;
      if (finishOptions.ids) {
        ids = [];
        for await (const id of finishOptions.ids) ids.push(id);
        if (ids.length !== passages)
          throw new FusionError(`finish: got ${ids.length} ids for ${passages} passages`, "shape-mismatch", {
            field: "ids",
          });
      }
      await writeMatrix(files.sums, total, dim);
      for (const l of languages) await writeMatrix(files.languageSums[l]!, perLang.get(l)!.sum, dim);
      const columns = 1 + languages.length;
      const counts = new Float32Array(passages * columns);
      for (let i = 0; i < passages; i++) {
        counts[i * columns] = totalCounts[i]!;
        languages.forEach((l, c) => {
          counts[i * columns + 1 + c] = perLang.get(l)!.counts[i]!;
        });
      }
      await writeMatrix(files.counts, counts, columns);
      if (ids) await writeIds(files.ids, ids);
      await writeQuerySumManifest(files, { passages, dim, queries, languages });
      return files;
    },
  };
}

async function writeMatrix(path: string, data: Float32Array, dim: number): Promise<void> {
  const writer = await createNpyWriter(path, { dimensions: dim });
  const chunk = dim * 65536;
  try {
    for (let at = 0; at < data.length; at += chunk) await writer.append(data.subarray(at, at + chunk));
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.close();
}
