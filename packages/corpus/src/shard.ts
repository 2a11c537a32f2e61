import { checkOptions } from "@xqg/core";
import { CorpusError } from "./errors.js";

export interface ShardSpec {
  /** 0-based shard number. */
  index: number;
  /** Number of shards. */
  count: number;
  /** Number of records in the whole source (e.g. from a first counting pass, or the .npy row count). */
  total: number;
}

/** One shard of a source: its contiguous row range `[start, end)`, and a way to pick its records. */
export interface Shard extends ShardSpec {
  readonly start: number;
  readonly end: number;
  /**
   * The shard's records of `source`, read in one pass and stopping (closing the source) at the shard's end.
   * Throws a `shard` CorpusError if the source turns out shorter than `total`, or — for the last shard, which
   * reads to the end — longer, so a wrong `total` can never silently drop records. It parses the source from its
   * first record: for a file read in many shards, read `{ range: { start, end }, index }` instead (see
   * `indexRecords`), which seeks.
   */
  records<T>(source: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T>;
}

/**
 * Shard `index` of `count` over `total` records: the contiguous range `[start, end)` (the first `total % count`
 * shards get one record more, as in numpy.array_split and HF datasets' `shard(contiguous=True)`, which Tevatron
 * uses, so shard outputs concatenate in source order), and `records(source)` to stream its records.
 */
export function shard(spec: ShardSpec): Shard {
  checkOptions(spec, ["index", "count", "total"], "shard");
  const { index, count, total } = spec ?? ({} as ShardSpec);
  const valid = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!valid(count) || count === 0 || !valid(index) || index >= count || !valid(total)) {
    throw new RangeError(
      `bad shard ${index}/${count} of ${total}: need integers 0 ≤ index < count, total ≥ 0`,
    );
  }
  const size = Math.floor(total / count);
  const extra = total % count;
  const start = index * size + Math.min(index, extra);
  const end = start + size + (index < extra ? 1 : 0);
  return {
    index,
    count,
    total,
    start,
    end,
    records: (source) => records(source, start, end, index === count - 1, total),
  };
}

async function* records<T>(
  source: AsyncIterable<T> | Iterable<T>,
  start: number,
  end: number,
  last: boolean,
  total: number,
): AsyncGenerator<T> {
  let position = 0;
  for await (const record of source) {
    if (position >= end) {
      if (!last) return;
      const file = (source as { path?: string }).path ?? "source";
      throw new CorpusError(`has more than total=${total} records`, { file, code: "shard" });
    }
    if (position >= start) yield record;
    position++;
  }
  if (position < end) {
    const file = (source as { path?: string }).path ?? "source";
    throw new CorpusError(`has ${position} records, fewer than total=${total}`, { file, code: "shard" });
  }
}
