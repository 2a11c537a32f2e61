/**
 * Length-bucketed batches: indices sorted by token length (stable, longest first so the first batch shows
 * the peak memory), cut into groups of `batchSize`. Each batch is padded only to its own longest text.
 */
export function planBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize)
    batches.push(order.slice(start, start + batchSize));
  return batches;
}
