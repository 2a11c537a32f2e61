/** A float as Python's `print(float)` writes it (`50.0`, `41.07142857142857`, `1e-05`). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) return String(x);
  // Python switches to exponent form below 1e-4 and writes at least two exponent digits.
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
  return `${mantissa}e${sign}${digits}`;
}
