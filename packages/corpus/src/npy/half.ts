// IEEE 754 binary16 <-> binary32, bit-exact with numpy's npy_floatbits_to_halfbits (round to nearest, ties
// to even, subnormals kept, overflow to infinity, NaN stays NaN with the top payload bits).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** binary16 bits of the float32 nearest to `value`, rounded to nearest even. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  return halfBitsFromFloatBits(u32[0]!);
}

export function halfBitsFromFloatBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00;
    const nan = 0x7c00 | (mant >>> 13);
    return sign | (nan === 0x7c00 ? 0x7c01 : nan);
  }
  if (exp <= 112) {
    // Result is a half subnormal (or zero): value = M · 2^(exp − 126) units of 2^−24.
    const shift = 126 - exp;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    const kept = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (rest > halfway || (rest === halfway && (kept & 1) === 1) ? kept + 1 : kept);
  }
  if (exp >= 143) return sign | 0x7c00;
  // Normal: a carry out of the mantissa bumps the exponent, and from 0x7bff gives infinity, as it should.
  const h = ((exp - 112) << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1) ? h + 1 : h);
}

/** float32 bits of a binary16 value (exact: every half is a float). */
export function floatBitsFromHalfBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal half → normal float: shift the mantissa up until its leading 1 is the implicit bit.
  let e = 113;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

let decodeTable: Float32Array | undefined;

function table(): Float32Array {
  if (!decodeTable) {
    const bits = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) bits[h] = floatBitsFromHalfBits(h);
    decodeTable = new Float32Array(bits.buffer);
  }
  return decodeTable;
}

export function fromHalfBits(h: number): number {
  return table()[h & 0xffff]!;
}

/** Converts float32 values to binary16 bits (new array; the input is not touched). */
export function float32ToHalf(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfBitsFromFloatBits(bits[i]!);
  return out;
}

/** Converts binary16 bits to float32 values (new array). */
export function halfToFloat32(
  halves: Uint16Array,
  out: Float32Array = new Float32Array(halves.length),
): Float32Array {
  const t = table();
  for (let i = 0; i < halves.length; i++) out[i] = t[halves[i]!]!;
  return out;
}
