import { hash } from "node:crypto";
import { mkdir, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type AtomicOptions,
  checkOptions,
  commitTemp,
  discardTemp,
  type LongCallOptions,
  tempPathFor,
} from "@xqg/core";
import { CorpusError } from "../errors.js";
import type { Passage } from "../types.js";

/** Passages as a diff or a fingerprint takes them: any reader of this package, or passages from anywhere. */
export type PassageSource = AsyncIterable<Passage> | Iterable<Passage>;

/** Records per storage chunk: the table grows by chunks, never by copying all it holds. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
/** uint32 words per record: a 96-bit docid hash, then a 64-bit content hash. */
export const WORDS = 5;
const MAGIC = "xqgfp001";
const HEADER_BYTES = 16;

/** How often a long pass reports progress and lets an abort land, in records. */
export const PROGRESS_EVERY = 65_536;

/** MurmurHash3's 32-bit finaliser. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3's (x86, 32-bit) block mixing and finaliser, each UTF-16 code unit of the string taken as one block. */
function murmur3(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ text.length);
}

/** Seeds of the docid hash's three words. */
const SEEDS = [0x9747b28c, 0x5bd1e995, 0x1b873593] as const;

/**
 * The hashes of one passage, written into `into` at `at`: words 0–2 are MurmurHash3's (x86, 32-bit) mixing over
 * the docid's UTF-16 code units (one per block) under three seeds (a 96-bit docid key: docids are short, and a native hash call costs more
 * than the hashing), words 3–4 the first 64 bits of SHA-256 over `${title.length}\u0000${title}${text}` (the
 * length prefix keeps title and text apart). Stable across versions: a saved fingerprint stays comparable.
 */
export function hashPassage(passage: Passage, into: Uint32Array, at: number): void {
  const { docid, title, text } = passage;
  into[at] = murmur3(docid, SEEDS[0]);
  into[at + 1] = murmur3(docid, SEEDS[1]);
  into[at + 2] = murmur3(docid, SEEDS[2]);
  const content = hash("sha256", `${title.length}\u0000${title}${text}`, "hex");
  into[at + 3] = Number.parseInt(content.slice(0, 8), 16);
  into[at + 4] = Number.parseInt(content.slice(8, 16), 16);
}

/** A growable table of records' hashes, in chunks of 65,536 records (no copy when it grows). */
export class HashTable {
  readonly #chunks: Uint32Array[] = [];
  #records = 0;

  get records(): number {
    return this.#records;
  }

  /** Where the next record's words go: the chunk and the offset in it. */
  reserve(): { chunk: Uint32Array; at: number } {
    const inChunk = this.#records & (CHUNK - 1);
    if (inChunk === 0) this.#chunks.push(new Uint32Array(CHUNK * WORDS));
    this.#records++;
    return { chunk: this.#chunks.at(-1)!, at: inChunk * WORDS };
  }

  chunks(): readonly Uint32Array[] {
    return this.#chunks;
  }

  static fromChunks(chunks: Uint32Array[], records: number): HashTable {
    const table = new HashTable();
    table.#chunks.push(...chunks);
    table.#records = records;
    return table;
  }
}

/** The hashes of a corpus and a lookup by docid hash, built on the first lookup. */
export class FingerprintTable {
  #slots: Int32Array | undefined;
  /** What errors call the corpus (its file, when known). */
  name = "fingerprint";

  constructor(readonly table: HashTable) {}

  get records(): number {
    return this.table.records;
  }

  get byteLength(): number {
    return (
      this.table.chunks().reduce((sum, chunk) => sum + chunk.byteLength, 0) + (this.#slots?.byteLength ?? 0)
    );
  }

  /** Builds the docid lookup now (a repeated docid throws here). */
  prepare(): void {
    this.#slots ??= this.#buildSlots();
  }

  /** The position of the passage whose docid hashes to `words[at…at+2]`, or -1. */
  lookup(words: Uint32Array, at: number): number {
    const slots = this.#slots ?? this.#buildSlots();
    const mask = slots.length - 1;
    const a = words[at]!;
    const b = words[at + 1]!;
    const c = words[at + 2]!;
    const chunks = this.table.chunks();
    for (let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      const position = entry - 1;
      const chunk = chunks[position >>> CHUNK_BITS]!;
      const o = (position & (CHUNK - 1)) * WORDS;
      if (chunk[o] === a && chunk[o + 1] === b && chunk[o + 2] === c) return position;
    }
  }

  /** Whether the passage at `position` has the content hash `words[at+3…at+4]`. */
  sameContent(position: number, words: Uint32Array, at: number): boolean {
    const chunk = this.table.chunks()[position >>> CHUNK_BITS]!;
    const o = (position & (CHUNK - 1)) * WORDS;
    return chunk[o + 3] === words[at + 3] && chunk[o + 4] === words[at + 4];
  }

  #buildSlots(): Int32Array {
    const records = this.records;
    if (records >= 0x7fffffff)
      throw new CorpusError("a fingerprint holds at most 2^31 - 2 passages", {
        file: this.name,
        code: "bad-value",
      });
    let capacity = 16;
    while (capacity * 3 < records * 4) capacity *= 2;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    const chunks = this.table.chunks();
    for (let position = 0; position < records; position++) {
      const chunk = chunks[position >>> CHUNK_BITS]!;
      const o = (position & (CHUNK - 1)) * WORDS;
      const a = chunk[o]!;
      const b = chunk[o + 1]!;
      const c = chunk[o + 2]!;
      let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
      for (; slots[slot] !== 0; slot = (slot + 1) & mask) {
        const other = slots[slot]! - 1;
        const k = chunks[other >>> CHUNK_BITS]!;
        const p = (other & (CHUNK - 1)) * WORDS;
        if (k[p] === a && k[p + 1] === b && k[p + 2] === c)
          throw new CorpusError(
            `passages ${other + 1} and ${position + 1} have the same docid; read the corpus with duplicates: "first" or "last"`,
            { file: this.name, code: "duplicate-id", field: "docid" },
          );
      }
      slots[slot] = position + 1;
    }
    this.#slots = slots;
    return slots;
  }
}

const TABLES = new WeakMap<PassageFingerprint, FingerprintTable>();

/** The table behind a fingerprint (for the diff). */
export function tableOf(fingerprint: PassageFingerprint, name = "fingerprint"): FingerprintTable {
  const table = TABLES.get(fingerprint);
  if (table !== undefined) table.name = name;
  if (table === undefined)
    throw new CorpusError("expected a PassageFingerprint (from PassageFingerprint.from or .load)", {
      file: name,
      code: "bad-value",
      field: "previous",
    });
  return table;
}

let create: (table: HashTable) => PassageFingerprint;

/** A fingerprint over a table filled elsewhere (by a diff). */
export function fingerprintOf(table: HashTable): PassageFingerprint {
  return create(table);
}

/**
 * The compact form of a corpus that a diff compares against: per passage, in corpus order, a 96-bit hash of
 * its docid and a 64-bit hash of its title and text (20 bytes), plus a lookup table by docid hash built on the
 * first lookup (4 bytes per slot, at most 3/4 full: 5.3–10.7 bytes per passage). Build it once per corpus (by
 * its digest, like `indexRecords`), save it, and diff the next version of the corpus against it in one pass.
 * Docid hashes of 96 bits collide with probability about n²/2⁹⁷ (2·10⁻¹⁵ at 18M passages).
 */
export class PassageFingerprint {
  readonly #table: HashTable;

  private constructor(table: HashTable) {
    this.#table = table;
    TABLES.set(this, new FingerprintTable(table));
  }

  static {
    create = (table) => new PassageFingerprint(table);
  }

  /** Passages in the corpus. */
  get records(): number {
    return this.#table.records;
  }

  /** Bytes held: the hashes, plus the docid lookup once built. */
  get byteLength(): number {
    return tableOf(this).byteLength;
  }

  /**
   * The fingerprint of a corpus, in one streaming pass (`onProgress`: `{ unit: "rows", task: "fingerprint" }`
   * every 65,536 passages, where an aborted `signal` lands too). Duplicate docids are the reader's to refuse
   * (its `duplicates` policy); a repeat that gets through is refused at the first lookup.
   */
  static async from(passages: PassageSource, options: LongCallOptions = {}): Promise<PassageFingerprint> {
    checkOptions(options, ["onProgress", "signal"], "PassageFingerprint.from");
    const table = new HashTable();
    options.signal?.throwIfAborted();
    for await (const passage of passages) {
      const { chunk, at } = table.reserve();
      hashPassage(passage, chunk, at);
      if (table.records % PROGRESS_EVERY === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.({ unit: "rows", task: "fingerprint", done: table.records, total: undefined });
      }
    }
    options.signal?.throwIfAborted();
    options.onProgress?.({ unit: "rows", task: "fingerprint", done: table.records, total: table.records });
    return new PassageFingerprint(table);
  }

  /** Reads a fingerprint written by `save` (a `CorpusError` naming the file when it is not one). */
  static async load(path: string): Promise<PassageFingerprint> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new CorpusError((error as Error).message, { file: path, code: "io", cause: error });
    }
    const bad = (reason: string) => new CorpusError(reason, { file: path, code: "bad-value" });
    if (bytes.length < HEADER_BYTES || bytes.toString("latin1", 0, 8) !== MAGIC)
      throw bad(`not a passage fingerprint (no "${MAGIC}" header)`);
    const records = bytes.readUInt32LE(8) + bytes.readUInt32LE(12) * 2 ** 32;
    if (bytes.length !== HEADER_BYTES + records * WORDS * 4)
      throw bad(
        `a fingerprint of ${records} passages has ${HEADER_BYTES + records * WORDS * 4} bytes, this file ${bytes.length} (truncated?)`,
      );
    const chunks: Uint32Array[] = [];
    for (let start = 0; start < records; start += CHUNK) {
      const count = Math.min(CHUNK, records - start);
      const chunk = new Uint32Array(CHUNK * WORDS);
      const from = HEADER_BYTES + start * WORDS * 4;
      for (let w = 0; w < count * WORDS; w++) chunk[w] = bytes.readUInt32LE(from + w * 4);
      chunks.push(chunk);
    }
    return new PassageFingerprint(HashTable.fromChunks(chunks, records));
  }

  /**
   * Writes the fingerprint to `path` (a 16-byte header, then 20 bytes per passage, little-endian) through a
   * temp file renamed when complete.
   */
  async save(path: string, options: AtomicOptions = {}): Promise<void> {
    checkOptions(options, ["durable"], "PassageFingerprint.save");
    await mkdir(dirname(path), { recursive: true });
    const temp = tempPathFor(path);
    try {
      const handle = await open(temp, "w");
      try {
        const header = Buffer.alloc(HEADER_BYTES);
        header.write(MAGIC, 0, "latin1");
        header.writeUInt32LE(this.records % 2 ** 32, 8);
        header.writeUInt32LE(Math.floor(this.records / 2 ** 32), 12);
        await handle.write(header);
        let left = this.records;
        for (const chunk of this.#table.chunks()) {
          const count = Math.min(CHUNK, left);
          left -= count;
          const out = Buffer.alloc(count * WORDS * 4);
          for (let w = 0; w < count * WORDS; w++) out.writeUInt32LE(chunk[w]!, w * 4);
          await handle.write(out);
        }
      } finally {
        await handle.close();
      }
      await commitTemp(temp, path, options);
    } catch (error) {
      await discardTemp(temp);
      throw error;
    }
  }
}
