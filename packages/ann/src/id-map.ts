import { IdTable } from "@xqg/core";
import { checkIdText } from "./checks.js";
import { AnnError } from "./errors.js";

/**
 * String docids ↔ dense integer keys (key = insertion position), the keys usearch stores. The ids live in
 * @xqg/core's IdTable, not in a Map: one V8 Map stops at 2^24 (16.7M) entries, fewer than an 18M-passage
 * corpus has.
 */
export class IdMap {
  readonly #table = new IdTable();

  constructor(ids: readonly string[] = []) {
    this.append(ids);
  }

  get size(): number {
    return this.#table.size;
  }

  /**
   * Adds ids (new, distinct, non-empty, single-line) at the next keys and returns the first key. On a bad id
   * nothing is added.
   */
  append(ids: readonly string[]): number {
    const first = this.#table.size;
    for (let i = 0; i < ids.length; i++) {
      let id: string;
      try {
        id = checkIdText(ids[i], i);
      } catch (error) {
        this.#table.truncate(first);
        throw error;
      }
      const earlier = this.#table.add(id);
      if (earlier < 0) continue;
      this.#table.truncate(first);
      throw new AnnError(
        earlier < first
          ? `duplicate id ${JSON.stringify(id)} at position ${i}: already in the index (row ${earlier})`
          : `duplicate id ${JSON.stringify(id)} at positions ${earlier - first} and ${i} of the same batch`,
        { code: "duplicate-id", field: "ids" },
      );
    }
    return first;
  }

  /** Removes the ids at keys `size` and later (undoes an append whose vectors could not be added). */
  truncate(size: number): void {
    this.#table.truncate(size);
  }

  idOf(key: bigint): string {
    const id = this.#table.at(Number(key));
    if (id === undefined)
      throw new AnnError(`usearch returned key ${key}, which has no id (index and id sidecar disagree)`, {
        code: "bad-index",
      });
    return id;
  }

  has(id: string): boolean {
    return this.#table.has(id);
  }

  ids(): readonly string[] {
    return this.#table.ids();
  }
}
