// Fusion benchmark: fuse streamed over files (one α, a sweep of four) vs loading whole matrices, at two corpus sizes.
//   pnpm --filter @xqg/fusion bench          (FUSION_N=1000000 FUSION_DIM=768; second size FUSION_N/4)
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable, type Row, runIsolated } from "@xqg/bench-utils";
import { createNpyWriter } from "@xqg/corpus";

const n = Number(process.env["FUSION_N"] ?? 1_000_000);
const dim = Number(process.env["FUSION_DIM"] ?? 768);
const sizes = [Math.floor(n / 4), n];
const batchSize = Number(process.env["FUSION_BATCH_SIZE"] ?? 256);
const contenders = (process.env["FUSION_CONTENDERS"] ?? "stream,stream-cold,sweep4,naive").split(",");
const here = dirname(fileURLToPath(import.meta.url));

async function writeRandom(path: string, rows: number, seed: number): Promise<void> {
  // durable: flushed to disk before the contenders start, so none of them pays for this writeback.
  const writer = await createNpyWriter(path, { dimensions: dim, durable: true });
  const block = 8192;
  let x = seed;
  for (let start = 0; start < rows; start += block) {
    const data = new Float32Array(Math.min(block, rows - start) * dim);
    for (let i = 0; i < data.length; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      data[i] = x / 2147483648 - 1;
    }
    await writer.append(data);
  }
  await writer.close();
}

/**
 * Brings both inputs into the page cache right before a contender starts. Needed because some machines (this
 * project's VMs among them) page out file data left idle for a minute, which would turn later contenders'
 * reads into disk reads.
 */
function warm(paths: string[]): void {
  const buffer = Buffer.allocUnsafe(64 << 20);
  for (const path of paths) {
    const fd = openSync(path, "r");
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    closeSync(fd);
  }
}

/** Empties the page cache (root on Linux only); false where this machine does not allow it. */
function dropCaches(): boolean {
  try {
    writeFileSync("/proc/sys/vm/drop_caches", "1");
    return true;
  } catch {
    return false;
  }
}

const rows: Row[] = [];
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), "xqg-fusion-bench-"));
  try {
    await writeRandom(join(dir, "p.npy"), size, 1);
    await writeRandom(join(dir, "s.npy"), size, 2);
    const inputGB = (2 * size * dim * 4) / 1e9;
    for (const kind of contenders) {
      const inputs = [join(dir, "p.npy"), join(dir, "s.npy")];
      if (kind.endsWith("-cold")) {
        if (!dropCaches()) {
          console.error(`${kind}: skipped, cannot write /proc/sys/vm/drop_caches here`);
          continue;
        }
      } else warm(inputs);
      const { report, peakRssMiB } = await runIsolated<{ seconds: number; cpuSeconds: number }>(
        join(here, "contender.ts"),
        [kind.replace(/-cold$/, ""), dir, String(batchSize)],
      );
      const outputs = kind === "sweep4" ? 4 : 1;
      rows.push({
        contender:
          {
            stream: `fuse on files (batches of ${batchSize} rows)`,
            "stream-cold": `fuse on files, inputs read from disk (page cache emptied)`,
            sweep4: "fuse, a sweep of 4 alphas, one pass",
            naive: "naive: load P and S whole + fuse in memory + write",
          }[kind] ?? kind,
        passages: size,
        "wall s": report.seconds,
        "CPU s": report.cpuSeconds,
        "GB/s (wall)": inputGB / report.seconds,
        "GB/s per CPU-second": inputGB / report.cpuSeconds,
        "matrices out": outputs,
        "peak RSS MiB": peakRssMiB,
      });
      for (const file of readdirSync(dir))
        if (file.startsWith("out-")) rmSync(join(dir, file), { force: true });
      console.error(JSON.stringify(rows[rows.length - 1]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(
  `dim=${dim}, float32 in and out; GB/s = (bytes of P + bytes of S) / seconds (wall, and CPU time of the process)\n`,
);
console.log(formatTable(rows));
