/**
 * SentencePiece's `precompiled_charsmap` normaliser (the `Precompiled` normalizer of tokenizer.json), as
 * Hugging Face's Rust `tokenizers` applies it. The blob is a little-endian u32 byte size of a darts-clone
 * double-array trie, the trie's u32 units, then a pool of NUL-terminated replacement strings; a trie value
 * is an offset into that pool.
 */
export class PrecompiledCharsmap {
  private readonly units: Uint32Array;
  private readonly pool: Buffer;
  private readonly charCache = new Map<number, CharRule>();

  constructor(base64: string) {
    const blob = Buffer.from(base64, "base64");
    const trieBytes = blob.readUInt32LE(0);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > blob.length) {
      throw new Error(
        `precompiled_charsmap: trie size ${trieBytes} does not fit a blob of ${blob.length} bytes`,
      );
    }
    this.units = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = blob.readUInt32LE(4 + 4 * i);
    this.pool = blob.subarray(4 + trieBytes);
  }

  /**
   * Normalises text grapheme by grapheme: a grapheme shorter than 6 UTF-8 bytes is replaced whole when a rule
   * matches its start (the shortest matching rule, as SentencePiece's converted tokenizers do); otherwise each
   * character is replaced by its own rule or kept.
   */
  normalize(text: string): string {
    if (!this.mayChange(text)) return text;
    let out = "";
    let chunkStart = 0;
    // Between two ASCII characters (other than CR LF) there is always a grapheme boundary, so the text is cut
    // there and only chunks holding non-ASCII characters go through the (slow) grapheme segmenter.
    for (let i = 1; i <= text.length; i++) {
      if (i < text.length && !isAsciiBoundary(text.charCodeAt(i - 1), text.charCodeAt(i))) continue;
      out += this.normalizeChunk(text.slice(chunkStart, i));
      chunkStart = i;
    }
    return out;
  }

  private normalizeChunk(chunk: string): string {
    if (chunk.length === 1) return this.ruleFor(chunk).replacement ?? chunk;
    if (!this.mayChange(chunk)) return chunk;
    let out = "";
    for (const { segment } of graphemes(chunk)) {
      const bytes = Buffer.from(segment, "utf8");
      if (bytes.length < 6) {
        const whole = this.transform(bytes);
        if (whole !== undefined) {
          out += whole;
          continue;
        }
      }
      for (const char of segment) out += this.ruleFor(char).replacement ?? char;
    }
    return out;
  }

  // Text none of whose characters can start a rule is returned as is (the common case for most scripts).
  private mayChange(text: string): boolean {
    for (const char of text) if (this.ruleFor(char).startsRule) return true;
    return false;
  }

  private ruleFor(char: string): CharRule {
    const code = char.codePointAt(0)!;
    let rule = this.charCache.get(code);
    if (rule === undefined) {
      const bytes = Buffer.from(char, "utf8");
      rule = { replacement: this.transform(bytes), startsRule: this.reaches(bytes) };
      this.charCache.set(code, rule);
    }
    return rule;
  }

  /** Replacement of the shortest rule that is a prefix of `key`, or undefined when none is. */
  private transform(key: Uint8Array): string | undefined {
    const offset = this.firstPrefixValue(key);
    if (offset === undefined) return undefined;
    const end = this.pool.indexOf(0, offset);
    return this.pool.toString("utf8", offset, end < 0 ? this.pool.length : end);
  }

  private firstPrefixValue(key: Uint8Array): number | undefined {
    const units = this.units;
    if (units.length === 0) return undefined;
    let node = offsetOf(units[0]!);
    for (const byte of key) {
      if (byte === 0) return undefined;
      node ^= byte;
      const unit = units[node];
      if (unit === undefined || labelOf(unit) !== byte) return undefined;
      node ^= offsetOf(unit);
      if (hasLeaf(unit)) return leafValue(units[node]!);
    }
    return undefined;
  }

  /** Whether walking all of `key` stays inside the trie (so a longer grapheme starting with it may match). */
  private reaches(key: Uint8Array): boolean {
    const units = this.units;
    if (units.length === 0) return false;
    let node = offsetOf(units[0]!);
    for (const byte of key) {
      node ^= byte;
      const unit = units[node];
      if (unit === undefined || labelOf(unit) !== byte) return false;
      node ^= offsetOf(unit);
    }
    return true;
  }
}

interface CharRule {
  replacement: string | undefined;
  startsRule: boolean;
}

// darts-clone unit layout (shared by SentencePiece and the Rust port).
const hasLeaf = (unit: number) => ((unit >>> 8) & 1) === 1;
const leafValue = (unit: number) => unit & 0x7fffffff;
const labelOf = (unit: number) => (unit & 0x800000ff) >>> 0;
const offsetOf = (unit: number) => ((unit >>> 10) << ((unit & 0x200) >>> 6)) >>> 0;

const isAsciiBoundary = (before: number, after: number) =>
  before < 0x80 && after < 0x80 && !(before === 0x0d && after === 0x0a);

const segmenter = new Intl.Segmenter("und", { granularity: "grapheme" });
const graphemes = (text: string) => segmenter.segment(text);
