import { CorpusError } from "./errors.js";

export interface ShardSpec {
  /** 0-based shard number. */
  index: number;
  /** Number of shards. */
  count: number;
  /** Number of records in the whole source (e.g. from a first counting pass, or the .npy row count). */
  total: number;
}

/**
 * The contiguous range `[start, end)` of shard `index` of `count` over `total` records. The first
 * `total % count` shards get one record more, as in numpy.array_split and HF datasets'
 * `shard(contiguous=True)` (which Tevatron uses), so shard outputs concatenate in source order.
 */
export function shardRange({ index, count, total }: ShardSpec): { start: number; end: number } {
  const valid = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!valid(count) || count === 0 || !valid(index) || index >= count || !valid(total)) {
    throw new RangeError(
      `bad shard ${index}/${count} of ${total}: need integers 0 ≤ index < count, total ≥ 0`,
    );
  }
  const size = Math.floor(total / count);
  const extra = total % count;
  const start = index * size + Math.min(index, extra);
  return { start, end: start + size + (index < extra ? 1 : 0) };
}

/**
 * The records of one shard of `source`, read in one pass and stopping (closing the source) at the
 * shard's end. Throws if the source turns out shorter than `total`, or — for the last shard, which reads
 * to the end — longer, so a wrong `total` can never silently drop records.
 */
export async function* shard<T>(source: AsyncIterable<T> | Iterable<T>, spec: ShardSpec): AsyncGenerator<T> {
  const { start, end } = shardRange(spec);
  const last = spec.index === spec.count - 1;
  let position = 0;
  for await (const record of source) {
    if (position >= end) {
      if (!last) return;
      const file = (source as { path?: string }).path ?? "source";
      throw new CorpusError(`has more than total=${spec.total} records`, { file, code: "shard" });
    }
    if (position >= start) yield record;
    position++;
  }
  if (position < end) {
    const file = (source as { path?: string }).path ?? "source";
    throw new CorpusError(`has ${position} records, fewer than total=${spec.total}`, { file, code: "shard" });
  }
}
