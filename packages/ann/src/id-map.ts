import { checkIdText } from "./checks.js";
import { AnnError } from "./errors.js";

/** String docids ↔ dense integer keys (key = insertion position), the keys usearch stores. */
export class IdMap {
  readonly #ids: string[];
  readonly #keys: Map<string, number>;

  constructor(ids: readonly string[] = []) {
    this.#ids = [];
    this.#keys = new Map();
    this.append(ids);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Validates a batch without changing the map: ids must be new and distinct. */
  check(ids: readonly string[]): void {
    const seen = new Map<string, number>();
    ids.forEach((raw, i) => {
      const id = checkIdText(raw, i);
      const existing = this.#keys.get(id);
      if (existing !== undefined)
        throw new AnnError(
          `duplicate id ${JSON.stringify(id)} at position ${i}: already in the index (row ${existing})`,
          "duplicate-id",
          { field: "ids" },
        );
      const earlier = seen.get(id);
      if (earlier !== undefined)
        throw new AnnError(
          `duplicate id ${JSON.stringify(id)} at positions ${earlier} and ${i} of the same batch`,
          "duplicate-id",
          { field: "ids" },
        );
      seen.set(id, i);
    });
  }

  /** Adds ids and returns their keys. */
  append(ids: readonly string[]): BigUint64Array {
    this.check(ids);
    const keys = new BigUint64Array(ids.length);
    ids.forEach((id, i) => {
      const key = this.#ids.length;
      this.#ids.push(id);
      this.#keys.set(id, key);
      keys[i] = BigInt(key);
    });
    return keys;
  }

  idOf(key: bigint): string {
    const id = this.#ids[Number(key)];
    if (id === undefined)
      throw new AnnError(
        `usearch returned key ${key}, which has no id (index and id sidecar disagree)`,
        "bad-index",
      );
    return id;
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  ids(): readonly string[] {
    return this.#ids;
  }
}
