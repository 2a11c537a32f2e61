import { MIX_WASM_BASE64 } from "./mix-wasm.js";

// The few WebAssembly types used here (the Node 20 typings this project builds against do not declare them).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface MixExports {
  memory: WasmMemory;
  /** Returns 1 when an output value is NaN or ±Infinity, else 0. */
  mix(out: number, p: number, s: number, n: number, keep: number, alpha: number): number;
}

const PAGE_BYTES = 65536;
/** Arena limit: every byte offset and end stays below 2^31, so the kernel's i32 address arithmetic never wraps. */
const MAX_ARENA_BYTES = 2 ** 31;
/** Values per chunk when the arrays must be copied through kernel memory: three chunks fit in L2. */
const CHUNK_VALUES = 16384;

let compiled: object | undefined;
const kernelModule = () => {
  compiled ??= new wasm.Module(Buffer.from(MIX_WASM_BASE64, "base64"));
  return compiled;
};

/**
 * Float32 buffers inside one kernel instance's memory: the kernel reads and writes them in place, so a stream
 * that reads its blocks into them and writes its output from them never copies a value in JavaScript.
 */
export class MixArena {
  readonly buffers: readonly Float32Array[];
  readonly #kernel: MixExports;

  /** `count` buffers of `values` float32 each; throws a RangeError when they would pass 2 GiB in all. */
  constructor(count: number, values: number) {
    const stride = Math.ceil((values * 4) / 16) * 16;
    if (count * stride > MAX_ARENA_BYTES)
      throw new RangeError(`${count} buffers of ${values} float32 values exceed the kernel's 2 GiB`);
    this.#kernel = new wasm.Instance(kernelModule(), {}).exports as unknown as MixExports;
    const { memory } = this.#kernel;
    const pages = Math.ceil((count * stride) / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) memory.grow(pages);
    this.buffers = Array.from(
      { length: count },
      (_, i) => new Float32Array(memory.buffer, i * stride, values),
    );
  }

  holds(x: Float32Array): boolean {
    return x.buffer === this.#kernel.memory.buffer;
  }

  /** out = keep·p + alpha·s, for arrays that all lie in this arena; true when `out` holds a NaN or ±Infinity. */
  mix(out: Float32Array, p: Float32Array, s: Float32Array, keep: number, alpha: number): boolean {
    return this.#kernel.mix(out.byteOffset, p.byteOffset, s.byteOffset, out.length, keep, alpha) !== 0;
  }
}

let scratch: MixArena | undefined;

/**
 * out[i] = keep·p[i] + alpha·s[i] in float32, rounding after every operation exactly as NumPy does (the same
 * bits as `Math.fround(Math.fround(keep * p[i]) + Math.fround(alpha * s[i]))`). Arrays in `arena` are used in
 * place; any others are copied through kernel memory in cache-sized chunks. Returns true when `out` holds a NaN
 * or ±Infinity — always the case when `p` or `s` does (0·Inf is NaN) — so the caller need not scan the inputs.
 */
export function mixInto(
  out: Float32Array,
  p: Float32Array,
  s: Float32Array,
  keep: number,
  alpha: number,
  arena?: MixArena,
): boolean {
  if (p.length !== out.length || s.length !== out.length)
    throw new RangeError(`mix: lengths differ (out ${out.length}, p ${p.length}, s ${s.length})`);
  if (arena?.holds(out) && arena.holds(p) && arena.holds(s)) return arena.mix(out, p, s, keep, alpha);
  let nonFinite = false;
  scratch ??= new MixArena(3, CHUNK_VALUES);
  const [chunkOut, chunkP, chunkS] = scratch.buffers as [Float32Array, Float32Array, Float32Array];
  for (let at = 0; at < out.length; at += CHUNK_VALUES) {
    const n = Math.min(CHUNK_VALUES, out.length - at);
    chunkP.set(p.subarray(at, at + n));
    chunkS.set(s.subarray(at, at + n));
    if (scratch.mix(chunkOut.subarray(0, n), chunkP.subarray(0, n), chunkS.subarray(0, n), keep, alpha))
      nonFinite = true;
    out.set(chunkOut.subarray(0, n), at);
  }
  return nonFinite;
}
