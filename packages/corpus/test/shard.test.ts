import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { readPassages, type ShardSpec, shard, writePassages } from "../src/index.js";
import { collect, rejection } from "./helpers.js";

/** The row range of a shard. */
const shardRange = (spec: ShardSpec) => {
  const { start, end } = shard(spec);
  return { start, end };
};

describe("shard", () => {
  it("splits like numpy.array_split: contiguous, the first total % count shards one longer", () => {
    const ranges = [0, 1, 2].map((index) => shardRange({ index, count: 3, total: 10 }));
    expect(ranges).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 7 },
      { start: 7, end: 10 },
    ]);
    expect(shardRange({ index: 4, count: 5, total: 2 })).toEqual({ start: 2, end: 2 });
    expect(() => shardRange({ index: 3, count: 3, total: 10 })).toThrow(RangeError);
  });

  it("shard outputs concatenate to the corpus in order", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl");
      const passages = Array.from({ length: 23 }, (_, i) => ({ docid: `d${i}`, title: "", text: `t${i}` }));
      await writePassages(path, passages);
      const parts = [];
      for (let index = 0; index < 4; index++) {
        parts.push(await collect(shard({ index, count: 4, total: 23 }).records(readPassages(path))));
      }
      expect(parts.map((p) => p.length)).toEqual([6, 6, 6, 5]);
      expect(parts.flat()).toEqual(passages);
    });
  });

  it("N ≥ 10, with empty shards when N > total: contiguous, in order, numpy.array_split's sizes", async () => {
    // numpy.array_split(range(total), count) sizes, computed by hand: the first total % count get one more.
    const cases: [number, number, number[]][] = [
      [23, 10, [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]],
      [5, 12, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]],
      [0, 10, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
      [100, 16, [7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]],
    ];
    for (const [total, count, sizes] of cases) {
      const records = Array.from({ length: total }, (_, i) => i);
      const parts: number[][] = [];
      for (let index = 0; index < count; index++)
        parts.push(await collect(shard({ index, count, total }).records(records)));
      expect(
        parts.map((p) => p.length),
        `${total} in ${count}`,
      ).toEqual(sizes);
      expect(parts.flat(), `${total} in ${count}`).toEqual(records);
      const ranges = parts.map((_, index) => shardRange({ index, count, total }));
      expect(ranges.map((r) => r.end - r.start)).toEqual(sizes);
      expect(ranges.map((r) => r.start)).toEqual([0, ...ranges.slice(0, -1).map((r) => r.end)]);
    }
    // An empty shard still checks the source's length: the last one reads to the end.
    const long = await rejection(
      collect(shard({ index: 11, count: 12, total: 5 }).records([1, 2, 3, 4, 5, 6])),
    );
    expect(long.message).toBe("source: has more than total=5 records");
    const short = await rejection(collect(shard({ index: 4, count: 12, total: 5 }).records([1, 2])));
    expect(short.message).toBe("source: has 2 records, fewer than total=5");
  });

  it("refuses a total that does not match the source", async () => {
    const short = await rejection(collect(shard({ index: 0, count: 2, total: 8 }).records([1, 2, 3])));
    expect(short.message).toBe("source: has 3 records, fewer than total=8");
    const long = await rejection(collect(shard({ index: 1, count: 2, total: 2 }).records([1, 2, 3])));
    expect(long.message).toBe("source: has more than total=2 records");
    expect(await collect(shard({ index: 0, count: 2, total: 3 }).records([1, 2, 3]))).toEqual([1, 2]);
  });
});
