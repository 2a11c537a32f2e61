import { createHash } from "node:crypto";
import { invalidOption } from "./errors.js";

/** A seeded stream of uniform random numbers (xoshiro128**). */
export interface Rng {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Next float in [0, 1) with 53 random bits. */
  nextFloat(): number;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** xoshiro128** over an explicit 128-bit state (four 32-bit words, not all zero). */
export function xoshiro128ss(state: readonly [number, number, number, number]): Rng {
  let [a, b, c, d] = state.map((w) => w >>> 0) as [number, number, number, number];
  if ((a | b | c | d) === 0) throw new Error("xoshiro128** state must not be all zero");
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    nextUint32,
    nextFloat: () => {
      const high = nextUint32() >>> 5; // 27 bits
      const low = nextUint32() >>> 6; // 26 bits
      return (high * 67108864 + low) / 9007199254740992;
    },
  };
}

/**
 * The random stream of one generated sequence, derived from its identity rather than its position in a
 * batch: SHA-256 of the length-prefixed parts (seed, docid, language, sample index) seeds xoshiro128**, so
 * the same seed gives the same queries whatever the batch size, shard or order of processing.
 */
export function createRng(seed: number, ...parts: ReadonlyArray<string | number>): Rng {
  if (!Number.isSafeInteger(seed)) throw invalidOption("seed", `seed must be a safe integer, got ${seed}`);
  const hash = createHash("sha256");
  for (const part of [seed, ...parts]) {
    const text = String(part);
    hash.update(`${Buffer.byteLength(text)}:${text};`);
  }
  const digest = hash.digest();
  const words: [number, number, number, number] = [
    digest.readUInt32LE(0),
    digest.readUInt32LE(4),
    digest.readUInt32LE(8),
    digest.readUInt32LE(12),
  ];
  // An all-zero state is the one xoshiro cannot leave; SHA-256 makes it a 2^-128 event, but stay total.
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
  return xoshiro128ss(words);
}
