import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { mulberry32 } from "../test/random.js";

/** Seeded standard normals (mulberry32 + Box–Muller), so every run and every child sees the same data. */
function gaussians(seed: number): () => number {
  const next = mulberry32(seed);
  const uniform = () => next() + 0.5 / 4294967296; // never 0, for the log below
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/**
 * Rows drawn around `clusters` random centres (centre + isotropic noise of `spread` relative norm), then scaled to
 * unit length, like normalised sentence embeddings: neighbourhoods are clumped, not uniform noise.
 */
export function clusteredRows(
  rows: number,
  dim: number,
  opts: { clusters: number; spread: number; seed: number; centreSeed: number },
): Float32Array {
  const centreNoise = gaussians(opts.centreSeed);
  const centres = new Float32Array(opts.clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = centreNoise() / Math.sqrt(dim);
  const next = gaussians(opts.seed);
  const out = new Float32Array(rows * dim);
  const noise = opts.spread / Math.sqrt(dim);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(((next() + 8) * 1e6) % opts.clusters);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = centres[c * dim + j]! + noise * next();
      out[r * dim + j] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[r * dim + j]! *= inv;
  }
  return out;
}

export function writeMatrix(path: string, data: Float32Array): void {
  const fd = openSync(path, "w");
  try {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const chunk = 1 << 28;
    for (let at = 0; at < bytes.length; at += chunk)
      writeFileSync(fd, bytes.subarray(at, Math.min(at + chunk, bytes.length)));
  } finally {
    closeSync(fd);
  }
}

export function readMatrix(path: string, floats: number): Float32Array {
  const out = new Float32Array(floats);
  const bytes = new Uint8Array(out.buffer);
  const fd = openSync(path, "r");
  try {
    let at = 0;
    while (at < bytes.length) {
      const got = readSync(fd, bytes, at, Math.min(1 << 28, bytes.length - at), at);
      if (got === 0) throw new Error(`${path}: ended after ${at} of ${bytes.length} bytes`);
      at += got;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export function readInts(path: string, count: number): Int32Array {
  const f = readMatrix(path, count);
  return new Int32Array(f.buffer);
}

/** Mean over queries of |approx top-k ∩ exact top-k| / k. */
export function recallAtK(found: readonly (readonly string[])[], truth: Int32Array, k: number): number {
  let sum = 0;
  found.forEach((ids, q) => {
    const wanted = new Set<string>();
    for (let i = 0; i < k; i++) wanted.add(String(truth[q * k + i]));
    let hits = 0;
    for (const id of ids.slice(0, k)) if (wanted.has(id)) hits++;
    sum += hits / k;
  });
  return sum / found.length;
}
