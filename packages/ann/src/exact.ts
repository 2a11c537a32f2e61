import { METRICS, type Metric } from "./metric.js";
import { type BatchMatches, type Matches, exactSearch as usearchExactSearch } from "./usearch.js";

/** Extra candidates fetched beyond k so that exact re-scoring can fix float32 near-ties at the cut-off. */
const MARGIN = 16;

/** A row of the matrix and its exact score (float64 arithmetic rounded to float32). */
export interface RankedRow {
  row: number;
  score: number;
}

/** Best first; equal scores in row order. The one order every exact search ranks and merges by. */
export const byRank = (a: RankedRow, b: RankedRow): number => b.score - a.score || a.row - b.row;

/**
 * The `k` best rows of `matrix` for each query row, in rank order (`k` ≤ rows, inputs already checked).
 * Rows are positions in `matrix`; scores depend only on the row and the query, never on what else is in
 * `matrix`, so results over separate parts of a matrix merge exactly.
 */
export function topRows(
  matrix: Float32Array,
  queries: Float32Array,
  dimensions: number,
  k: number,
  metric: Metric,
  threads: number,
): RankedRow[][] {
  const n = matrix.length / dimensions;
  const score = SCORERS[metric];
  const candidates = Math.min(n, k + MARGIN);
  const rowsPerQuery = candidateRows(matrix, queries, dimensions, candidates, metric, threads);
  return rowsPerQuery.map((rows, q) => {
    const query = queries.subarray(q * dimensions, (q + 1) * dimensions);
    let ranked = rank(rows, matrix, query, dimensions, score);
    let fetched = candidates;
    // Every fetched candidate ties with the k-th: rows beyond the fetched ones may tie too, so fetch more.
    while (fetched < n && ranked[ranked.length - 1]!.score >= ranked[k - 1]!.score) {
      fetched = Math.min(n, fetched * 2);
      ranked = rank(
        candidateRows(matrix, query, dimensions, fetched, metric, threads)[0]!,
        matrix,
        query,
        dimensions,
        score,
      );
    }
    return ranked.slice(0, k);
  });
}

function candidateRows(
  matrix: Float32Array,
  queries: Float32Array,
  dimensions: number,
  count: number,
  metric: Metric,
  threads: number,
): number[][] {
  const nq = queries.length / dimensions;
  const n = matrix.length / dimensions;
  const whole = wholeBuffer(matrix);
  const chunk = Math.max(1, Math.floor(SCRATCH_BYTES / (SCRATCH_BYTES_PER_PAIR * n)));
  const rows: number[][] = [];
  for (let q0 = 0; q0 < nq; q0 += chunk) {
    const q1 = Math.min(nq, q0 + chunk);
    const result = usearchExactSearch(
      whole,
      wholeBuffer(queries.subarray(q0 * dimensions, q1 * dimensions)),
      dimensions,
      count,
      METRICS[metric].usearch as never,
      threads,
    ) as Matches | BatchMatches;
    if (q1 - q0 === 1) rows.push(Array.from(result.keys, Number));
    else {
      const batch = result as BatchMatches;
      for (let q = 0; q < q1 - q0; q++)
        rows.push(Array.from(batch.keys.subarray(q * count, q * count + Number(batch.counts[q])), Number));
    }
  }
  return rows;
}

/**
 * usearch 2.26's exactSearch holds a scratch of ≈16 bytes per (row, query) pair (1.6 GB for 100k rows × 1,000
 * queries, measured), so queries go in chunks that keep it under SCRATCH_BYTES.
 */
const SCRATCH_BYTES_PER_PAIR = 16;
const SCRATCH_BYTES = 256 * 2 ** 20;

/** usearch 2.26's native exactSearch reads the view's whole ArrayBuffer, ignoring its offset and length. */
export const wholeBuffer = (a: Float32Array): Float32Array =>
  a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();

type Scorer = (matrix: Float32Array, offset: number, query: Float32Array, dimensions: number) => number;

function rank(
  rows: number[],
  matrix: Float32Array,
  query: Float32Array,
  dimensions: number,
  score: Scorer,
): RankedRow[] {
  return rows
    .map((row) => ({ row, score: Math.fround(score(matrix, row * dimensions, query, dimensions)) }))
    .sort(byRank);
}

const SCORERS: Record<Metric, Scorer> = {
  ip(m, o, q, d) {
    let dot = 0;
    for (let i = 0; i < d; i++) dot += m[o + i]! * q[i]!;
    return dot;
  },
  cos(m, o, q, d) {
    let dot = 0;
    let mm = 0;
    let qq = 0;
    for (let i = 0; i < d; i++) {
      dot += m[o + i]! * q[i]!;
      mm += m[o + i]! * m[o + i]!;
      qq += q[i]! * q[i]!;
    }
    return mm === 0 || qq === 0 ? 0 : dot / Math.sqrt(mm * qq);
  },
  l2(m, o, q, d) {
    let sum = 0;
    for (let i = 0; i < d; i++) {
      const diff = m[o + i]! - q[i]!;
      sum += diff * diff;
    }
    return -sum;
  },
};
