import { checkOptions, type LongCallOptions } from "@xqg/core";
import { CorpusError } from "../errors.js";
import {
  type FingerprintTable,
  fingerprintOf,
  HashTable,
  hashPassage,
  PassageFingerprint,
  type PassageSource,
  PROGRESS_EVERY,
  tableOf,
  WORDS,
} from "./fingerprint.js";

/** What a passage of the new corpus is, compared with the old one (`PassageDiff.status`). */
export const PASSAGE_STATUS = { unchanged: 0, added: 1, changed: 2 } as const;

/** The difference between two versions of a corpus, by docid and content (title and text) hash. */
export interface PassageDiff {
  /** Passages in the old and in the new corpus. */
  readonly before: number;
  readonly after: number;
  readonly counts: { unchanged: number; added: number; changed: number; removed: number };
  /**
   * One entry per passage of the new corpus, in its order: 0 unchanged (same docid, title and text), 1 added
   * (a docid the old corpus lacks), 2 changed (same docid, other title or text).
   */
  readonly status: Uint8Array;
  /** One entry per passage of the new corpus: the position of the same docid in the old corpus, -1 if added. */
  readonly previous: Int32Array;
  /** Positions in the new corpus of the added and of the changed passages, ascending, and their docids. */
  readonly added: Int32Array;
  readonly addedIds: readonly string[];
  readonly changed: Int32Array;
  readonly changedIds: readonly string[];
  /**
   * Positions in the old corpus of the passages the new one lacks, ascending (their docids are the old
   * corpus's ids sidecar at these lines: the fingerprint holds hashes, not docids).
   */
  readonly removed: Int32Array;
  /** The fingerprint of the new corpus (for the next diff), unless `fingerprint: false`. */
  readonly fingerprint: PassageFingerprint | undefined;
}

export interface DiffOptions extends LongCallOptions {
  /** Keep the new corpus's fingerprint (20 bytes per passage) in the result. Default true. */
  fingerprint?: boolean;
}

/** A source's file (a reader's path), or what to call it in messages. */
export function sourceName(source: unknown, fallback: string): string {
  const path = (source as { path?: unknown }).path;
  return typeof path === "string" ? path : fallback;
}

/** A growable typed array (doubling), trimmed by `done`. */
class Growable<A extends Int32Array | Uint8Array> {
  #data: A;
  length = 0;
  constructor(private readonly make: (length: number) => A) {
    this.#data = make(1024);
  }
  push(value: number): void {
    if (this.length === this.#data.length) {
      const grown = this.make(this.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length++] = value;
  }
  done(): A {
    return this.#data.slice(0, this.length) as A;
  }
}
const ints = () => new Growable((n) => new Int32Array(n));

/**
 * Compares a new version of a corpus with an old one in one streaming pass over the new one: the old one as a
 * `PassageFingerprint` (saved from an earlier run), or as passages, fingerprinted first in one pass. Memory:
 * the old fingerprint (20 bytes per passage plus its lookup, 5.3–10.7), the new one unless `fingerprint:
 * false` (20), the result's arrays (`previous`, `status`: 5 bytes per new passage) and a matched flag per old
 * one: about 34 bytes per passage with `fingerprint: false`, 54 without (BENCHMARKS, "@xqg/corpus: diff"). No docid string is held but those
 * of the added and changed passages. `onProgress` gets `{ unit: "rows", task: "diff", done }` every 65,536
 * new passages. A docid that comes twice in the new corpus is the reader's `duplicates` policy to refuse; one
 * that matches an old docid already matched is a `duplicate-id` CorpusError.
 */
export async function diffPassages(
  previous: PassageFingerprint | PassageSource,
  current: PassageSource,
  options: DiffOptions = {},
): Promise<PassageDiff> {
  checkOptions(options, ["fingerprint", "onProgress", "signal"], "diffPassages");
  const { signal, onProgress } = options;
  const old: FingerprintTable = tableOf(
    previous instanceof PassageFingerprint ? previous : await PassageFingerprint.from(previous, { signal }),
    sourceName(previous, "old corpus"),
  );
  old.prepare();
  const matched = new Uint8Array(old.records);
  const keep = options.fingerprint ?? true;
  const next = new HashTable();
  const scratch = new Uint32Array(WORDS);
  const status = new Growable((n) => new Uint8Array(n));
  const before = ints();
  const added = ints();
  const changed = ints();
  const addedIds: string[] = [];
  const changedIds: string[] = [];
  let position = 0;
  signal?.throwIfAborted();
  for await (const passage of current) {
    let words: Uint32Array = scratch;
    let at = 0;
    if (keep) ({ chunk: words, at } = next.reserve());
    hashPassage(passage, words, at);
    const found = old.lookup(words, at);
    if (found < 0) {
      status.push(PASSAGE_STATUS.added);
      added.push(position);
      addedIds.push(passage.docid);
    } else {
      if (matched[found] === 1)
        throw new CorpusError(
          `passage ${position + 1} has docid ${JSON.stringify(passage.docid)}, which an earlier passage of the new corpus has too`,
          { file: sourceName(current, "new corpus"), code: "duplicate-id", field: "docid" },
        );
      matched[found] = 1;
      if (old.sameContent(found, words, at)) status.push(PASSAGE_STATUS.unchanged);
      else {
        status.push(PASSAGE_STATUS.changed);
        changed.push(position);
        changedIds.push(passage.docid);
      }
    }
    before.push(found);
    position++;
    if (position % PROGRESS_EVERY === 0) {
      signal?.throwIfAborted();
      onProgress?.({ unit: "rows", task: "diff", done: position, total: undefined });
    }
  }
  signal?.throwIfAborted();
  onProgress?.({ unit: "rows", task: "diff", done: position, total: position });
  const removed = ints();
  for (let i = 0; i < matched.length; i++) if (matched[i] === 0) removed.push(i);
  return {
    before: old.records,
    after: position,
    counts: {
      unchanged: position - added.length - changed.length,
      added: added.length,
      changed: changed.length,
      removed: removed.length,
    },
    status: status.done(),
    previous: before.done(),
    added: added.done(),
    addedIds,
    changed: changed.done(),
    changedIds,
    removed: removed.done(),
    fingerprint: keep ? fingerprintOf(next) : undefined,
  };
}
