import { IdTable } from "@xqg/core";
import { checkIdText } from "./checks.js";
import { AnnError } from "./errors.js";

/**
 * String docids ↔ integer keys, the keys usearch stores. An id's key is the position at which it first entered
 * the index and stays its key for good: removing the id marks the key removed, adding the id again (or
 * replacing its vector) reuses it. The ids live in @xqg/core's IdTable, not in a Map: one V8 Map stops at 2^24
 * (16.7M) entries, fewer than an 18M-passage corpus has. Saved as the ids sidecar, one id per key (removed
 * ones included: the usearch file says which keys are live).
 */
export class IdMap {
  readonly #table = new IdTable();
  /** 1 at the keys whose id is removed. */
  #removed = new Uint8Array(1024);
  #live = 0;
  /** Vectors removed or replaced since the index was built (what the rebuild rule counts). */
  removedTotal = 0;

  constructor(ids: readonly string[] = [], removedKeys: Iterable<number> = [], removedTotal = 0) {
    for (const [i, id] of ids.entries()) {
      if (this.#table.add(checkIdText(id, i)) >= 0)
        throw new AnnError(`duplicate id ${JSON.stringify(id)} at position ${i} of the id sidecar`, {
          code: "duplicate-id",
          field: "ids",
        });
    }
    this.#grow(ids.length);
    this.#live = ids.length;
    for (const key of removedKeys) {
      if (this.#removed[key] === 1) continue;
      this.#removed[key] = 1;
      this.#live--;
    }
    this.removedTotal = removedTotal;
  }

  /** Live ids. */
  get size(): number {
    return this.#live;
  }

  /** Keys handed out, live or removed (lines of the ids sidecar). */
  get keys(): number {
    return this.#table.size;
  }

  #grow(size: number): void {
    if (size <= this.#removed.length) return;
    let length = this.#removed.length;
    while (length < size) length *= 2;
    const grown = new Uint8Array(length);
    grown.set(this.#removed);
    this.#removed = grown;
  }

  /** The key of a live id, or -1. */
  liveKey(id: string): number {
    const key = this.#table.indexOf(id);
    return key >= 0 && this.#removed[key] === 0 ? key : -1;
  }

  /**
   * Checks a batch of ids (non-empty, single-line, distinct; with `mode: "add"` none may be live) and returns,
   * per id, its key (existing keys reused; keys past `keys` are new) and whether it is live now. Changes nothing.
   */
  plan(ids: readonly string[], mode: "add" | "upsert"): { keys: Float64Array; live: Uint8Array } {
    const keys = new Float64Array(ids.length);
    const live = new Uint8Array(ids.length);
    const batch = new IdTable();
    let next = this.#table.size;
    for (let i = 0; i < ids.length; i++) {
      const id = checkIdText(ids[i], i);
      const earlier = batch.add(id);
      if (earlier >= 0)
        throw new AnnError(
          `duplicate id ${JSON.stringify(id)} at positions ${earlier} and ${i} of the same batch`,
          { code: "duplicate-id", field: "ids" },
        );
      const key = this.#table.indexOf(id);
      if (key < 0) {
        keys[i] = next++;
        continue;
      }
      keys[i] = key;
      if (this.#removed[key] === 1) continue;
      if (mode === "add")
        throw new AnnError(
          `duplicate id ${JSON.stringify(id)} at position ${i}: already in the index (row ${key}); upsert replaces its vector`,
          { code: "duplicate-id", field: "ids" },
        );
      live[i] = 1;
    }
    return { keys, live };
  }

  /** Adds new ids (none live, distinct) and returns their keys; on a bad id nothing is added. */
  append(ids: readonly string[]): Float64Array {
    const { keys } = this.plan(ids, "add");
    this.commit(ids, keys, 0, ids.length);
    return keys;
  }

  /** Records that `ids` (planned by `plan`, from `start` to `end`) now have vectors under `keys`. */
  commit(ids: readonly string[], keys: Float64Array, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      const key = keys[i]!;
      if (key >= this.#table.size) {
        this.#table.add(ids[i]!);
        this.#grow(this.#table.size);
        this.#live++;
      } else if (this.#removed[key] === 1) {
        this.#removed[key] = 0;
        this.#live++;
      }
    }
  }

  /** Marks live keys removed. */
  markRemoved(keys: Iterable<number>): void {
    for (const key of keys) {
      if (this.#removed[key] === 1) continue;
      this.#removed[key] = 1;
      this.#live--;
      this.removedTotal++;
    }
  }

  idOf(key: bigint): string {
    const k = Number(key);
    const id = this.#table.at(k);
    if (id === undefined || this.#removed[k] === 1)
      throw new AnnError(`usearch returned key ${key}, which has no id (index and id sidecar disagree)`, {
        code: "bad-index",
      });
    return id;
  }

  has(id: string): boolean {
    return this.liveKey(id) >= 0;
  }

  /** Live ids in key order (the order they first entered the index). */
  ids(): readonly string[] {
    const all = this.#table.ids();
    if (this.#live === all.length) return all;
    return all.filter((_, key) => this.#removed[key] === 0);
  }

  /** Every key's id, removed ones included: the ids sidecar. */
  keyIds(): readonly string[] {
    return this.#table.ids();
  }
}
