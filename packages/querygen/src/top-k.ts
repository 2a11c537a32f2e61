/**
 * Indices of the `k` largest values, plus every further value tied with the k-th (Hugging Face's
 * TopKLogitsWarper keeps all scores >= the k-th largest), ordered by value descending then index ascending.
 * One pass with a size-k min-heap (a second one only when a value ties the k-th): O(n log k), no sort of
 * the whole row.
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
  const ids = new Int32Array(k);
  let size = 0;
  // A rejected value can only tie the final threshold if it tied the heap minimum when it was rejected
  // (the minimum never decreases), so the second pass for ties runs only when that happened.
  let tie = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (size < k) {
      if (Number.isNaN(v)) continue;
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (heap[parent]! <= v) break;
        heap[at] = heap[parent]!;
        ids[at] = ids[parent]!;
        at = parent;
      }
      heap[at] = v;
      ids[at] = i;
    } else if (v > heap[0]!) {
      const evicted = heap[0]!;
      siftDownReplace(heap, ids, k, v, i);
      if (evicted === heap[0]) tie = evicted;
    } else if (v === heap[0]!) {
      tie = v;
    }
  }
  if (size === k && tie === heap[0]) {
    const kept: number[] = [];
    for (let i = 0; i < n; i++) if (values[i]! >= tie) kept.push(i);
    return sortByValueDesc(values, Int32Array.from(kept));
  }
  return sortByValueDesc(values, ids.slice(0, size));
}

function siftDownReplace(heap: Float64Array, ids: Int32Array, size: number, v: number, id: number): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= v) break;
    heap[at] = heap[child]!;
    ids[at] = ids[child]!;
    at = child;
  }
  heap[at] = v;
  ids[at] = id;
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
