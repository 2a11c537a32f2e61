import { UserError } from "./errors.js";

/** Shard `index` of `count` (0-based), as every sharded stage and `--shard i/N` understand it. */
export interface ShardPart {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: ShardPart = { index: 0, count: 1 };

/** More shards than this is a typo (each shard is a file and a manifest): 100,000. */
export const MAX_SHARDS = 100_000;

export function parseShard(raw: string, where = "--shard"): ShardPart {
  const match = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count || count > MAX_SHARDS) {
    throw new UserError(
      `${where}: expected i/N with 0 ≤ i < N ≤ ${MAX_SHARDS.toLocaleString("en")} (e.g. 0/4), got ${JSON.stringify(raw)}`,
    );
  }
  return { index, count };
}

export function shardLabel(shard: ShardPart): string {
  return `${shard.index}/${shard.count}`;
}

/** File-name suffix of a shard's output; the whole corpus (1 shard) gets none. */
export function shardSuffix(shard: ShardPart): string {
  if (shard.count === 1) return "";
  const width = String(shard.count - 1).length;
  return `.shard-${String(shard.index).padStart(width, "0")}-of-${shard.count}`;
}

/** Name suffix of one row range of a split exact search (`.rows-0-of-4`), numbered as shards are. */
export function rowsSuffix(range: ShardPart): string {
  return shardSuffix(range).replace(".shard-", ".rows-");
}
