// Python's statistics.mean sums floats exactly (as fractions) and rounds once; the official XOR-TyDi script
// prints that value, so the macro average is computed the same way to print the same digits.

function toScaled(x: number): { mant: bigint; exp: number } {
  let m = x;
  let exp = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    exp--;
  }
  return { mant: BigInt(m), exp };
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** a / d · 2^e rounded to the nearest double (ties to even); a ≥ 0, d > 0, result in the normal range. */
function divideToDouble(a: bigint, d: bigint, e: number): number {
  if (a === 0n) return 0;
  const shift = 55 - (bitLength(a) - bitLength(d));
  const num = shift >= 0 ? a << BigInt(shift) : a;
  const den = shift >= 0 ? d : d << BigInt(-shift);
  const q = num / den;
  const sticky = num % den !== 0n;
  const extra = bitLength(q) - 53;
  const low = q & ((1n << BigInt(extra)) - 1n);
  const half = 1n << BigInt(extra - 1);
  let top = q >> BigInt(extra);
  if (low > half || (low === half && (sticky || (top & 1n) === 1n))) top += 1n;
  return Number(top) * 2 ** (e - shift + extra);
}

/** The arithmetic mean rounded once from the exact sum, as Python's `statistics.mean` (NaN for no values). */
export function exactMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  if (!values.every(Number.isFinite)) return values.reduce((s, v) => s + v, 0) / values.length;
  const parts = values.map(toScaled);
  const emin = Math.min(...parts.map((p) => p.exp));
  let sum = 0n;
  for (const p of parts) sum += p.mant << BigInt(p.exp - emin);
  const negative = sum < 0n;
  const value = divideToDouble(negative ? -sum : sum, BigInt(values.length), emin);
  return negative ? -value : value;
}
