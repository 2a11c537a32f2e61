// Fusion after a 1% corpus change (0.4% deleted, 0.3% edited, 0.3% appended): the fused matrix from scratch
// (`fuse` over the whole new P and Σq) against the incremental way (`fuse` over the rows of the added and
// edited passages, then `updateRows` from the previous fused matrix), in one process, best of FUSION_ROUNDS.
//   pnpm --filter @xqg/fusion bench:update      (FUSION_N=200000 FUSION_DIM=768 FUSION_ROUNDS=3)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable, type Row } from "@xqg/bench-utils";
import { writeIds } from "@xqg/core";
import { createNpyWriter } from "@xqg/corpus";
import { fuse, updateRows } from "../src/index.js";

const n = Number(process.env["FUSION_N"] ?? 200_000);
const dim = Number(process.env["FUSION_DIM"] ?? 768);
const rounds = Number(process.env["FUSION_ROUNDS"] ?? 3);
const alpha = 0.01;

async function writeRandom(path: string, ids: readonly string[], seed: number): Promise<void> {
  const writer = await createNpyWriter(path, { dimensions: dim, durable: true });
  const block = 8192;
  let x = seed;
  for (let start = 0; start < ids.length; start += block) {
    const data = new Float32Array(Math.min(block, ids.length - start) * dim);
    for (let i = 0; i < data.length; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      data[i] = x / 2147483648 - 1;
    }
    await writer.append(data);
  }
  await writer.close();
  await writeIds(path.replace(/\.npy$/, ".ids"), ids);
}

const dir = mkdtempSync(join(tmpdir(), "xqg-fusion-update-"));
try {
  const fate = (i: number) => {
    const r = (i * 7919) % 1000;
    return r < 4 ? "delete" : r < 7 ? "edit" : "keep";
  };
  const oldIds = Array.from({ length: n }, (_, i) => `d${i}`);
  const appended = Array.from({ length: Math.round(n * 0.003) }, (_, i) => `new${i}`);
  const newIds = [...oldIds.filter((_, i) => fate(i) !== "delete"), ...appended];
  const changedIds = [...oldIds.filter((_, i) => fate(i) === "edit"), ...appended];
  const path = (name: string) => join(dir, `${name}.npy`);
  console.log(`writing ${n} × ${dim} float32 matrices into ${dir} ...`);
  await writeRandom(path("p"), newIds, 1);
  await writeRandom(path("s"), newIds, 2);
  await writeRandom(path("fused-old"), oldIds, 3);
  await writeRandom(path("p-rows"), changedIds, 4);
  await writeRandom(path("s-rows"), changedIds, 5);

  const best = { scratch: Infinity, rowsFuse: Infinity, update: Infinity };
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    await fuse({ passages: path("p"), sums: path("s"), alpha, out: path("fused-scratch") });
    best.scratch = Math.min(best.scratch, (performance.now() - start) / 1000);
    start = performance.now();
    await fuse({ passages: path("p-rows"), sums: path("s-rows"), alpha, out: path("fused-rows") });
    const middle = performance.now();
    const counts = await updateRows({
      previous: path("fused-old"),
      rows: path("fused-rows"),
      ids: newIds,
      out: path("fused-updated"),
    });
    best.rowsFuse = Math.min(best.rowsFuse, (middle - start) / 1000);
    best.update = Math.min(best.update, (performance.now() - middle) / 1000);
    if (counts.rows !== newIds.length || counts.replaced !== changedIds.length) throw new Error("bad counts");
  }
  const megabytes = (newIds.length * dim * 4) / 1e6;
  const rows: Row[] = [
    { way: "from scratch: fuse(P, Σq) over every row", passages: newIds.length, seconds: best.scratch },
    {
      way: "incremental: fuse over 0.6% rows + updateRows",
      passages: newIds.length,
      seconds: best.rowsFuse + best.update,
    },
    { way: "  of which updateRows (copy + ids)", passages: newIds.length, seconds: best.update },
  ];
  console.log(formatTable(rows.map((r) => ({ ...r, "output MB/s": megabytes / (r["seconds"] as number) }))));
  console.log(`\nBest of ${rounds} rounds, page cache warm; output ${megabytes.toFixed(0)} MB.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
