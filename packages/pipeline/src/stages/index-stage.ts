import { hash } from "node:crypto";
import { Index, type OpenOptions } from "@xqg/ann";
import { idsPath, readIds } from "@xqg/core";
import { diffPassages, type NpyReader, openNpy, type Passage, PassageFingerprint } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { type PreviousRun, runStage } from "../manifest.js";
import type { IndexSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";
import { fingerprintPath, unitName } from "./incremental.js";

/** Vectors per native add (and per read of changed rows): `Index.add`'s own batch. */
const BATCH = 65_536;

/**
 * An HNSW index over an embedding matrix (exact search needs none: `xqg search` reads the matrix). After a
 * change of the matrix alone (an incremental corpus update: same settings, same package versions, previous
 * index in place) it updates the previous index instead of building a new one: the removed docids are removed,
 * the added and changed rows (found by the fingerprint of the vectors it indexed, `<out>.fingerprint`: docid
 * and a hash of the row's bytes, 20 bytes a vector) upserted, the rest kept. It builds anew when the share of
 * vectors the index has lost (removed or replaced, since it was built) would pass `rebuildShare`.
 */
export async function indexStage(
  env: StageEnv,
  io: { embeddings: string; out: string; manifest: string },
  settings: IndexSettings,
) {
  if (settings.type === "exact") {
    throw new UserError("index: --type exact needs no index; pass the matrix to `xqg search --embeddings`");
  }
  // when to rebuild decides how, not what: an index is the one its settings and vectors ask for either way
  const { type: _type, rebuildShare, ...params } = settings;
  const fingerprint = fingerprintPath(io.out);
  return runStage(
    env,
    {
      stage: "index",
      manifest: io.manifest,
      inputs: { embeddings: io.embeddings, ids: idsPath(io.embeddings) },
      params,
      packages: ["@xqg/corpus", "@xqg/ann"],
      outputs: [...Index.files(io.out), fingerprint],
      reusable: ["embeddings", "ids"],
      previewReuse: async (previous) => {
        if (!previous?.outputs.has(fingerprint)) return undefined;
        const rows = rowPassages(io.embeddings, await readIds(idsPath(io.embeddings)));
        const before = await PassageFingerprint.load(fingerprint);
        return (await diffPassages(before, rows, { signal: env.signal })).counts;
      },
    },
    async (staged, previous) => {
      const ids = await readIds(idsPath(io.embeddings));
      const matrix = await openNpy(io.embeddings);
      try {
        if (ids.length !== matrix.rows)
          throw new UserError(
            `${idsPath(io.embeddings)}: ${ids.length} ids for ${matrix.rows} rows of ${io.embeddings}`,
          );
        const rows = () => rowPassages(io.embeddings, ids);
        const updated = previous
          ? await update(env, io, settings, { previous, fingerprint, rebuildShare }, matrix, ids, rows)
          : {};
        const index = updated.index ?? (await build(env, settings, matrix, ids));
        await index.save(staged(io.out));
        const made = updated.fingerprint ?? (await PassageFingerprint.from(rows(), { signal: env.signal }));
        await made.save(staged(fingerprint));
      } finally {
        await matrix.close();
      }
    },
  );
}

/** Search and build knobs that the index file does not hold (0: usearch's default, left out). */
function openOptions(settings: IndexSettings): OpenOptions {
  return {
    ...(settings.expansionAdd ? { expansionAdd: settings.expansionAdd } : {}),
    ...(settings.expansionSearch ? { expansionSearch: settings.expansionSearch } : {}),
  };
}

async function build(env: StageEnv, settings: IndexSettings, matrix: NpyReader, ids: readonly string[]) {
  const index = Index.create({
    dimensions: matrix.dimensions,
    metric: settings.metric,
    dtype: settings.dtype,
    ...(settings.connectivity ? { connectivity: settings.connectivity } : {}),
    ...openOptions(settings),
  });
  const progress = env.log.progress("index", matrix.rows, "vectors");
  try {
    for await (const block of matrix.blocks({ batchSize: BATCH })) {
      const n = block.rows.length / matrix.dimensions;
      await index.add(ids.slice(block.start, block.start + n), block.rows, {
        threads: env.threads,
        signal: env.signal,
      });
      progress.tick(n);
    }
  } finally {
    progress.done();
  }
  return index;
}

/**
 * The previous index updated to the current matrix, with the fingerprint of the matrix; no index where it must be
 * built anew (said in the log): its outputs or fingerprint gone, an index that does not hold the vectors its
 * fingerprint says, or a removed share that would pass `rebuildShare` (the fingerprint, once made, comes back).
 */
async function update(
  env: StageEnv,
  io: { embeddings: string; out: string; manifest: string },
  settings: IndexSettings,
  was: { previous: PreviousRun; fingerprint: string; rebuildShare: number },
  matrix: NpyReader,
  ids: readonly string[],
  rows: () => AsyncIterable<Passage>,
): Promise<{ index?: Index; fingerprint?: PassageFingerprint }> {
  const unit = unitName(io.manifest);
  const { previous } = was;
  if (!Index.files(io.out).every((file) => previous.outputs.has(file))) return {};
  let before: PassageFingerprint;
  if (previous.outputs.has(was.fingerprint)) before = await PassageFingerprint.load(was.fingerprint);
  // an index made before fingerprints were saved, over the same matrix: the matrix is what it indexed
  else if (previous.sameInput) before = await PassageFingerprint.from(rows(), { signal: env.signal });
  else {
    env.log.info(`${unit}: rebuilt: no fingerprint of the vectors the previous index holds`);
    return {};
  }
  const diff = await diffPassages(before, rows(), { signal: env.signal });
  const index = await Index.load(io.out, openOptions(settings));
  const current = new Set(ids);
  const removed = index.ids().filter((id) => !current.has(id));
  if (index.size !== diff.before || removed.length !== diff.counts.removed) {
    env.log.info(
      `${unit}: rebuilt: the index holds ${index.size} vectors (${removed.length} no longer in the matrix), its fingerprint ${diff.before} (${diff.counts.removed} removed)`,
    );
    return { fingerprint: diff.fingerprint! };
  }
  const { unchanged, added, changed } = diff.counts;
  // the share `needsRebuild` would find after the update: replaced vectors count as removed ones
  const lost = index.removed + removed.length + changed;
  const share = lost / (diff.after + lost);
  if (share > was.rebuildShare) {
    env.log.info(`${unit}: rebuilt: removed share ${share.toFixed(2)} passed ${was.rebuildShare}`);
    return { fingerprint: diff.fingerprint! };
  }
  index.remove(removed);
  // the added and changed rows in matrix order, read in runs of consecutive rows
  const fresh = new Int32Array(diff.added.length + diff.changed.length);
  fresh.set(diff.added);
  fresh.set(diff.changed, diff.added.length);
  fresh.sort();
  const progress = env.log.progress("index", fresh.length, "vectors");
  try {
    for (let from = 0; from < fresh.length; from += BATCH) {
      const positions = fresh.subarray(from, Math.min(fresh.length, from + BATCH));
      const vectors = new Float32Array(positions.length * matrix.dimensions);
      for (let i = 0; i < positions.length; ) {
        let end = i + 1;
        while (end < positions.length && positions[end] === positions[end - 1]! + 1) end++;
        const read = await matrix.read(positions[i]!, end - i);
        vectors.set(read, i * matrix.dimensions);
        i = end;
      }
      await index.upsert(
        Array.from(positions, (row) => ids[row]!),
        vectors,
        { threads: env.threads, signal: env.signal },
      );
      progress.tick(positions.length);
    }
  } finally {
    progress.done();
  }
  env.log.info(
    `${unit}: updated: reused ${unchanged}, added ${added}, changed ${changed}, removed ${removed.length} vectors`,
  );
  return { index, fingerprint: diff.fingerprint! };
}

/**
 * Each row of the matrix as a passage to fingerprint: its docid, and the SHA-256 of its bytes (base64) as the
 * text, so that a row whose vector changed by a bit is a changed passage (hashing the bytes first is 2.4× faster
 * than handing the fingerprint the row as a string: 3.3 µs a row of 128 floats).
 */
async function* rowPassages(path: string, ids: readonly string[]): AsyncIterable<Passage> {
  const matrix = await openNpy(path);
  try {
    for await (const block of matrix.blocks({ batchSize: 4096 })) {
      const bytes = Buffer.from(block.rows.buffer, block.rows.byteOffset, block.rows.byteLength);
      const width = matrix.dimensions * 4;
      const n = block.rows.length / matrix.dimensions;
      for (let i = 0; i < n; i++)
        yield {
          docid: ids[block.start + i]!,
          title: "",
          text: hash("sha256", bytes.subarray(i * width, (i + 1) * width), "base64"),
        };
    }
  } finally {
    await matrix.close();
  }
}
