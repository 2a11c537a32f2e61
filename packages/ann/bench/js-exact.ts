/**
 * The naive way in plain JS: a blocked matrix product (a few queries against a block of rows, to reuse each
 * row while it is in cache) and a bounded min-heap per query. Used only as the anchor for exactSearch.
 */
export function jsBlockedExact(
  matrix: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
): Int32Array[] {
  const n = matrix.length / dim;
  const nq = queries.length / dim;
  const heaps = Array.from({ length: nq }, () => new TopK(k));
  const QB = 4;
  for (let q0 = 0; q0 < nq; q0 += QB) {
    const qEnd = Math.min(nq, q0 + QB);
    for (let r = 0; r < n; r++) {
      const o = r * dim;
      for (let q = q0; q < qEnd; q++) {
        const p = q * dim;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < dim; j += 4) {
          s0 += matrix[o + j]! * queries[p + j]!;
          s1 += matrix[o + j + 1]! * queries[p + j + 1]!;
          s2 += matrix[o + j + 2]! * queries[p + j + 2]!;
          s3 += matrix[o + j + 3]! * queries[p + j + 3]!;
        }
        heaps[q]!.push(s0 + s1 + s2 + s3, r);
      }
    }
  }
  return heaps.map((h) => h.rows());
}

class TopK {
  readonly scores: Float64Array;
  readonly ids: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.ids = new Int32Array(k);
  }
  push(score: number, id: number): void {
    const { scores, ids } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (scores[parent]! <= score) break;
        scores[i] = scores[parent]!;
        ids[i] = ids[parent]!;
        i = parent;
      }
      scores[i] = score;
      ids[i] = id;
      return;
    }
    if (score <= scores[0]!) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.k) break;
      const c = l + 1 < this.k && scores[l + 1]! < scores[l]! ? l + 1 : l;
      if (scores[c]! >= score) break;
      scores[i] = scores[c]!;
      ids[i] = ids[c]!;
      i = c;
    }
    scores[i] = score;
    ids[i] = id;
  }
  rows(): Int32Array {
    const order = Array.from({ length: this.size }, (_, i) => i).sort(
      (a, b) => this.scores[b]! - this.scores[a]!,
    );
    return Int32Array.from(order, (i) => this.ids[i]!);
  }
}
