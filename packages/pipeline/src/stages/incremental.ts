import { basename, dirname, join } from "node:path";
import {
  diffPassages,
  type GeneratedQueries,
  type Passage,
  type PassageDiff,
  PassageFingerprint,
} from "@xqg/corpus";
import type { PreviousRun } from "../manifest.js";
import type { ShardPart } from "../shard.js";
import { type PassageOptions, type StageEnv, shardPassages } from "./common.js";

/**
 * Incremental corpus updates (issue 23): a unit whose only change is its corpus (or generated-queries file)
 * keeps the rows of the unchanged passages from its previous output and computes only those of the added and
 * changed ones. Each such unit saves the fingerprint of what it read (`<output>.fingerprint`, one of its outputs)
 * so that the next run can diff against it.
 */

/** Where a unit keeps the fingerprint of the corpus (or generated queries) its output was made from. */
export function fingerprintPath(output: string): string {
  return `${output}.fingerprint`;
}

/** What the unit reuses: the diff of its input against the previous run's, and the new docids in order. */
export interface Reuse {
  readonly diff: PassageDiff;
  readonly fingerprint: PassageFingerprint;
  /** The docids of the new input, in its order. */
  readonly ids: readonly string[];
}

/**
 * The diff of the unit's current input (`current`, read anew each call) against the one its previous output was
 * made from, or undefined when the previous run cannot be reused: no previous run, a previous output or its
 * fingerprint gone (a fingerprint missing while the input is the same is that of the input now: a unit made
 * before fingerprints were saved upgrades by reading its input once), or unchanged passages that changed order
 * (the output is merged in one forward pass over the previous one). `io.input` names the input as read (file
 * digest, read options, shard): two units of a run that name the same input and hold the same fingerprint (a
 * part's `generate` and `encode-passages`) share one diff, so the corpus is read once for both.
 */
export async function planReuse(
  env: StageEnv,
  previous: PreviousRun | undefined,
  io: {
    readonly unit: string;
    readonly outputs: readonly string[];
    readonly fingerprint: string;
    readonly input?: string;
  },
  current: () => AsyncIterable<Passage>,
): Promise<Reuse | undefined> {
  if (!previous || !io.outputs.every((output) => previous.outputs.has(output))) return undefined;
  const saved = previous.outputs.has(io.fingerprint);
  if (!saved && !previous.sameInput) return undefined;
  const before = saved ? await env.hasher.hash(io.fingerprint) : "the input itself";
  const key = io.input === undefined ? undefined : JSON.stringify([io.input, before]);
  const { diff, ids } = await sharedDiff(env, key, async () => {
    const fingerprint = saved
      ? await PassageFingerprint.load(io.fingerprint)
      : await PassageFingerprint.from(current(), { signal: env.signal });
    const ids: string[] = [];
    return { diff: await diffPassages(fingerprint, collectIds(current(), ids), { signal: env.signal }), ids };
  });
  let last = -1;
  for (let i = 0; i < diff.after; i++) {
    if (diff.status[i] !== 0) continue;
    if (diff.previous[i]! < last) {
      env.log.info(`${io.unit}: unchanged passages changed order; computing every passage again`);
      return undefined;
    }
    last = diff.previous[i]!;
  }
  return { diff, fingerprint: diff.fingerprint!, ids };
}

/**
 * The passages a corpus-reading unit (generate, encode-passages) reads, its shard's range (the whole corpus
 * unsharded), and what of its previous output they reuse (none without a fingerprint path): a sharded unit diffs
 * its new range against the passages its previous output holds, so passages that crossed a shard boundary count
 * as added or removed. The diff is shared with the part's other unit over the same corpus (`planReuse`'s `input`).
 */
export async function corpusReuse(
  env: StageEnv,
  previous: PreviousRun | undefined,
  io: {
    readonly unit: string;
    readonly corpus: string;
    readonly outputs: readonly string[];
    readonly fingerprint: string | undefined;
  },
  read: PassageOptions,
  part: ShardPart,
) {
  const mine = await shardPassages(env, io.corpus, read, part);
  const { fingerprint } = io;
  const input = JSON.stringify([await env.hasher.hash(io.corpus), read, part]);
  const reuse = fingerprint
    ? await planReuse(env, previous, { unit: io.unit, outputs: io.outputs, fingerprint, input }, mine.read)
    : undefined;
  return { mine, reuse };
}

interface Diffed {
  readonly diff: PassageDiff;
  readonly ids: readonly string[];
}

/**
 * The last diff made with a hasher (one per run, or per queue job), kept for the one other unit that asks for the
 * same key, then let go: at 18M passages a diff holds about 1.5 GB (fingerprint, ids), which later stages need.
 */
const lastDiff = new WeakMap<object, { key: string; made: Promise<Diffed> }>();

function sharedDiff(env: StageEnv, key: string | undefined, make: () => Promise<Diffed>): Promise<Diffed> {
  if (key === undefined) return make();
  const held = lastDiff.get(env.hasher);
  if (held?.key === key) {
    lastDiff.delete(env.hasher);
    return held.made;
  }
  const made = make();
  lastDiff.set(env.hasher, { key, made });
  made.catch(() => {
    if (lastDiff.get(env.hasher)?.made === made) lastDiff.delete(env.hasher);
  });
  return made;
}

async function* collectIds(passages: AsyncIterable<Passage>, ids: string[]): AsyncIterable<Passage> {
  for await (const passage of passages) {
    ids.push(passage.docid);
    yield passage;
  }
}

/** `generate: reused N, added A, changed C, removed R passages`: the one line a reusing unit logs. */
export function reuseLine(unit: string, diff: PassageDiff): string {
  const { unchanged, added, changed, removed } = diff.counts;
  return `${unit}: reused ${unchanged}, added ${added}, changed ${changed}, removed ${removed} passages`;
}

/** The unit's name from its manifest path (`manifests/encode-generated.first-1.json` → `encode-generated.first-1`). */
export function unitName(manifest: string): string {
  return basename(manifest, ".json");
}

/** The passages of `source` whose position `status` marks as added or changed (not 0), in order. */
export async function* freshOnly<T>(source: AsyncIterable<T>, status: Uint8Array): AsyncIterable<T> {
  let position = 0;
  for await (const item of source) {
    if (status[position++] !== 0) yield item;
  }
}

/**
 * A generated-queries record as a passage to fingerprint: its docid, and its queries (languages in order) as
 * the text, so that a record whose queries changed is a changed passage.
 */
export function recordAsPassage(record: GeneratedQueries<string>): Passage {
  return { docid: record.docid, title: "", text: JSON.stringify(record.queries) };
}

/** A scratch path inside the unit's staging folder (removed with it): the rows of the added and changed passages. */
export function scratchPath(staged: string, name: string): string {
  return join(dirname(staged), name);
}

/**
 * The end of a reusing unit: the fresh rows (`rows`) merged with the previous output's unchanged ones into the
 * staged output by `merge` (@xqg/fusion's `updateRows` or `updateQuerySums`), then the input's fingerprint saved
 * (the diff's, or, without reuse, one made by reading `source` once). Without a fingerprint path, nothing.
 */
export async function finishReuse(
  env: StageEnv,
  reuse: Reuse | undefined,
  files: { readonly out: string; readonly rows: string; readonly fingerprint: string | undefined },
  staged: (finalPath: string) => string,
  merge: (options: {
    previous: string;
    rows: string;
    ids: readonly string[];
    out: string;
    signal: AbortSignal | undefined;
  }) => Promise<unknown>,
  source: () => AsyncIterable<Passage>,
): Promise<void> {
  if (reuse)
    await merge({
      previous: files.out,
      rows: files.rows,
      ids: reuse.ids,
      out: staged(files.out),
      signal: env.signal,
    });
  if (files.fingerprint) {
    const made = reuse?.fingerprint ?? (await PassageFingerprint.from(source(), { signal: env.signal }));
    await made.save(staged(files.fingerprint));
  }
}
