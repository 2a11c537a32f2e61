/**
 * Poolers turn one batch of hidden states [batch, seq, dim] into one vector per text, written into `out` at the
 * given row offsets (so a sorted batch lands back in input order).
 */
export interface PoolInput {
  hidden: Float32Array;
  mask: Int32Array | number[];
  batch: number;
  seq: number;
  dim: number;
}

type Pooler = (input: PoolInput, row: number, out: Float32Array, outOffset: number) => void;

function clsPool({ hidden, seq, dim }: PoolInput, row: number, out: Float32Array, outOffset: number): void {
  out.set(hidden.subarray(row * seq * dim, row * seq * dim + dim), outOffset);
}

function meanPool(
  { hidden, mask, seq, dim }: PoolInput,
  row: number,
  out: Float32Array,
  outOffset: number,
): void {
  let count = 0;
  for (let t = 0; t < seq; t++) {
    if (!mask[row * seq + t]) continue;
    count++;
    const base = (row * seq + t) * dim;
    for (let d = 0; d < dim; d++) out[outOffset + d]! += hidden[base + d]!;
  }
  const scale = 1 / Math.max(count, 1);
  for (let d = 0; d < dim; d++) out[outOffset + d]! *= scale;
}

/** Pooling methods by name: `cls` takes the first token's state (DPR/Tevatron), `mean` averages unmasked tokens. */
export const POOLERS = { cls: clsPool, mean: meanPool } as const satisfies Record<Pooling, Pooler>;
export type Pooling = "cls" | "mean";

/** Scales each row of [rows, dim] in place to unit L2 norm (rows of zeros stay zero). */
export function l2NormalizeRows(data: Float32Array, dimensions: number): void {
  for (let offset = 0; offset < data.length; offset += dimensions) {
    let sum = 0;
    for (let d = 0; d < dimensions; d++) sum += data[offset + d]! * data[offset + d]!;
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let d = 0; d < dimensions; d++) data[offset + d]! *= scale;
  }
}
