/** Slots per table at the start; the table doubles whenever it is more than 3/4 full. */
const INITIAL_SLOTS = 1024;

/**
 * 32-bit FNV-1a over the UTF-16 code units, then murmur3's finaliser so that the low bits (the slot) depend
 * on every character.
 */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Distinct strings ↔ dense positions 0, 1, 2, … in insertion order: the id ↔ row table of an embeddings
 * matrix or an index. One V8 `Map` or `Set` stops at 2^24 (16.7M) entries, fewer than the ids of an 18M-passage
 * corpus; this table has no such limit (an open-addressing hash table over typed arrays, up to 2^31 ids).
 *
 * Memory: the ids themselves (the table keeps the caller's strings), 8 bytes per id for the array of them,
 * 4 for its hash and 4–8 for the slot table — about 20 bytes per id beyond the strings.
 */
export class IdTable {
  readonly #ids: string[] = [];
  /** Hash of the id at each position. */
  #hashes = new Int32Array(INITIAL_SLOTS);
  /** Position + 1 of the id in each slot, 0 for an empty slot (linear probing). */
  #slots = new Int32Array(INITIAL_SLOTS);
  #mask = INITIAL_SLOTS - 1;

  /** A table of `ids`, in order; throws a RangeError naming the positions of the first id given twice. */
  static from(ids: Iterable<string>): IdTable {
    const table = new IdTable();
    for (const id of ids) {
      const earlier = table.add(id);
      if (earlier >= 0)
        throw new RangeError(
          `id ${JSON.stringify(id)} is at positions ${earlier} and ${table.size} (ids must be distinct)`,
        );
    }
    return table;
  }

  /** Number of ids. */
  get size(): number {
    return this.#ids.length;
  }

  /** The position of `id`, or -1 when it is not in the table. */
  indexOf(id: string): number {
    const hash = hashOf(id);
    const slots = this.#slots;
    // The table is never full (at most 3/4), so an empty slot ends every probe; the count is a safety net.
    for (
      let slot = hash & this.#mask, probes = 0;
      probes <= this.#mask;
      slot = (slot + 1) & this.#mask, probes++
    ) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      if (this.#hashes[entry - 1] === hash && this.#ids[entry - 1] === id) return entry - 1;
    }
    throw new Error("IdTable: no free slot (a bug)");
  }

  has(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  /**
   * Adds `id` at the next position (`size` before the call) unless it is there already. Returns -1 when it was
   * added, else the position it already has (and nothing changes).
   */
  add(id: string): number {
    const hash = hashOf(id);
    const slots = this.#slots;
    let slot = hash & this.#mask;
    for (let probes = 0; ; slot = (slot + 1) & this.#mask, probes++) {
      if (probes > this.#mask) throw new Error("IdTable: no free slot (a bug)");
      const entry = slots[slot]!;
      if (entry === 0) break;
      if (this.#hashes[entry - 1] === hash && this.#ids[entry - 1] === id) return entry - 1;
    }
    const position = this.#ids.length;
    if (position >= 0x7ffffffe) throw new RangeError("IdTable holds at most 2^31 - 2 ids");
    this.#ids.push(id);
    if (position === this.#hashes.length) {
      const grown = new Int32Array(position * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes[position] = hash;
    slots[slot] = position + 1;
    if ((position + 1) * 4 > slots.length * 3) this.#rehash(slots.length * 2);
    return -1;
  }

  /** The id at `position`, or undefined past the end. */
  at(position: number): string | undefined {
    return this.#ids[position];
  }

  /** Every id, in position order: the table's own array, not a copy (do not change it). */
  ids(): readonly string[] {
    return this.#ids;
  }

  /**
   * Removes the ids at positions `size` and later (the last ones added), leaving the table exactly as it was
   * before they were added: how a batch that failed halfway is undone.
   */
  truncate(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`truncate(${size}): bad size`);
    // In reverse order of insertion, each id's slot is the one it took, and clearing it restores the table.
    for (let position = this.#ids.length - 1; position >= size; position--) {
      let slot = this.#hashes[position]! & this.#mask;
      while (this.#slots[slot] !== position + 1) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = 0;
    }
    if (size < this.#ids.length) this.#ids.length = size;
  }

  /** A larger slot table, filled in position order (so that `truncate` can still undo the last ids added). */
  #rehash(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    const hashes = this.#hashes;
    for (let position = 0; position < this.#ids.length; position++) {
      let slot = hashes[position]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = position + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
