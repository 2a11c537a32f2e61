// Updating a saved HNSW index after a corpus change vs building it again, with recall@k against exact search.
//   pnpm --filter @xqg/ann bench:update        (ANN_N=50000 ANN_DIM=128 ANN_QUERIES=500 ANN_K=100 ANN_THREADS=1)
// For each change share (ANN_SHARES, default 1%, 5%, 20%: 40% of it deleted, 30% replaced, 30% appended), from
// the index of the old rows saved on disk: "update" = Index.load + remove + upsert + save; "rebuild" =
// Index.create + add every row of the new corpus + save. Same settings (M 16, efConstruction 128, ef 128).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable, type Row } from "@xqg/bench-utils";
import { exactSearch, Index } from "../src/index.js";
import { docids } from "../test/random.js";
import { clusteredRows } from "./data.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const n = env("ANN_N", 50_000);
const dim = env("ANN_DIM", 128);
const nq = env("ANN_QUERIES", 500);
const k = env("ANN_K", 100);
const threads = env("ANN_THREADS", 1);
const shares = (process.env["ANN_SHARES"] ?? "0.01,0.05,0.2").split(",").map(Number);
const clusters = Math.max(1, Math.round(n / 1000));
const settings = { dimensions: dim, connectivity: 16, expansionAdd: 128, expansionSearch: 128 };
const seconds = (start: number) => (performance.now() - start) / 1000;

const dir = mkdtempSync(join(tmpdir(), "xqg-ann-update-"));
try {
  const ids = docids(n);
  const data = clusteredRows(n, dim, { clusters, spread: 1, seed: 1, centreSeed: 42 });
  const queries = clusteredRows(nq, dim, { clusters, spread: 1, seed: 2, centreSeed: 42 });
  const base = join(dir, "base.usearch");
  let start = performance.now();
  const built = Index.create(settings);
  await built.add(ids, data, { threads });
  await built.save(base);
  console.log(
    `base index: ${n} × ${dim} built and saved in ${seconds(start).toFixed(1)} s (${threads} thread(s))`,
  );

  const rows: Row[] = [];
  for (const share of shares) {
    // the change: rows i with (i · 7919 mod 10000) / 10000 < share are touched (deleted, replaced, appended 4:3:3)
    const touched = ids
      .map((_, i) => ((i * 7919) % 10_000) / 10_000)
      .map((r) => (r < share ? r / share : -1));
    const removed = ids.filter((_, i) => touched[i]! >= 0 && touched[i]! < 0.4);
    const replacedAt = ids.flatMap((_, i) => (touched[i]! >= 0.4 ? [i] : []));
    const appendedCount = Math.round((n * share * 3) / 10);
    const fresh = clusteredRows(replacedAt.length + appendedCount, dim, {
      clusters,
      spread: 1,
      seed: 3,
      centreSeed: 42,
    });
    const upsertIds = [...replacedAt.map((i) => ids[i]!), ...docids(appendedCount, "new")];
    // the new corpus in order: old rows (replaced in place, deleted left out), then the appended ones
    const gone = new Set(removed);
    const replacement = new Map(replacedAt.map((row, j) => [row, j]));
    const newIds: string[] = [];
    const newRows = new Float32Array((n + appendedCount) * dim);
    const put = (source: Float32Array, row: number) => {
      newRows.set(source.subarray(row * dim, (row + 1) * dim), newIds.length * dim);
    };
    for (const [i, id] of ids.entries()) {
      if (gone.has(id)) continue;
      const j = replacement.get(i);
      if (j === undefined) put(data, i);
      else put(fresh, j);
      newIds.push(id);
    }
    for (let j = 0; j < appendedCount; j++) {
      put(fresh, replacedAt.length + j);
      newIds.push(upsertIds[replacedAt.length + j]!);
    }
    const matrix = newRows.subarray(0, newIds.length * dim);
    const exact = await exactSearch(queries, matrix, { dimensions: dim, depth: k, ids: newIds });
    const recall = async (index: Index) => {
      const run = await index.searchBatch(queries, k, { threads });
      let hits = 0;
      for (const [qid, truth] of exact) for (const id of run.get(qid)!.keys()) if (truth.has(id)) hits++;
      return hits / (exact.size * k);
    };

    start = performance.now();
    // the search and build knobs are not saved with an index: open it with the same ones
    const { expansionAdd, expansionSearch } = settings;
    const updated = await Index.load(base, { expansionAdd, expansionSearch });
    updated.remove(removed);
    await updated.upsert(upsertIds, fresh, { threads });
    await updated.save(join(dir, "updated.usearch"));
    const updateSeconds = seconds(start);
    if (updated.size !== newIds.length)
      throw new Error(`updated index holds ${updated.size}, expected ${newIds.length}`);

    start = performance.now();
    const rebuilt = Index.create(settings);
    await rebuilt.add(newIds, matrix, { threads });
    await rebuilt.save(join(dir, "rebuilt.usearch"));
    const rebuildSeconds = seconds(start);

    const [updatedRecall, rebuiltRecall] = [await recall(updated), await recall(rebuilt)];
    const common = {
      change: `${(share * 100).toFixed(0)}%`,
      removed: removed.length,
      upserted: upsertIds.length,
    };
    rows.push({
      ...common,
      way: "update (load, remove, upsert, save)",
      seconds: updateSeconds,
      [`recall@${k}`]: updatedRecall.toFixed(4),
      "removed share": (updated.removed / (updated.size + updated.removed)).toFixed(3),
      "needsRebuild()": String(updated.needsRebuild()),
    });
    rows.push({
      ...common,
      way: "rebuild (create, add all, save)",
      seconds: rebuildSeconds,
      [`recall@${k}`]: rebuiltRecall.toFixed(4),
      "removed share": "0",
      "needsRebuild()": "false",
    });
  }
  console.log(formatTable(rows));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
