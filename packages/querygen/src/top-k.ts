/**
 * Indices of the `k` largest values, plus every further value tied with the k-th (Hugging Face's
 * TopKLogitsWarper keeps all scores >= the k-th largest), ordered by value descending then index ascending.
 * One pass with a size-k min-heap, then one pass to collect ties: O(n log k) with no sort of the whole row.
 */
export function topKIndices(values: ArrayLike<number>, k: number): Int32Array {
  const n = values.length;
  if (k <= 0 || n === 0) return new Int32Array(0);
  if (k >= n)
    return sortByValueDesc(
      values,
      Int32Array.from({ length: n }, (_, i) => i),
    );
  const heap = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (size < k) {
      if (Number.isNaN(v)) continue;
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (heap[parent]! <= v) break;
        heap[at] = heap[parent]!;
        at = parent;
      }
      heap[at] = v;
    } else if (v > heap[0]!) {
      siftDownReplace(heap, k, v);
    }
  }
  const threshold = size < k ? Number.NEGATIVE_INFINITY : heap[0]!;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (values[i]! >= threshold) kept.push(i);
  return sortByValueDesc(values, Int32Array.from(kept));
}

function siftDownReplace(heap: Float64Array, size: number, v: number): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= v) break;
    heap[at] = heap[child]!;
    at = child;
  }
  heap[at] = v;
}

function sortByValueDesc(values: ArrayLike<number>, ids: Int32Array): Int32Array {
  return ids.sort((a, b) => values[b]! - values[a]! || a - b);
}

/** Index of the largest value; the first one on ties (like torch.argmax). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
