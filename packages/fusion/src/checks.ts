export function checkDim(dim: unknown): number {
  if (typeof dim !== "number" || !Number.isInteger(dim) || dim <= 0)
    throw new Error(`dim must be a positive integer, got ${JSON.stringify(dim)}`);
  return dim;
}

export function checkAlpha(alpha: unknown): number {
  if (typeof alpha !== "number" || !Number.isFinite(alpha))
    throw new Error(`alpha must be a finite number, got ${JSON.stringify(alpha)}`);
  return alpha;
}

export function rowsOf(what: string, data: unknown, dim: number): number {
  if (!(data instanceof Float32Array))
    throw new Error(`${what} must be a Float32Array (rows × ${dim}, row-major)`);
  if (data.length % dim !== 0)
    throw new Error(`${what} has ${data.length} floats, not a multiple of dim ${dim}`);
  return data.length / dim;
}
