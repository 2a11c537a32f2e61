import { FusionError } from "./errors.js";

export function checkDim(dim: unknown): number {
  if (typeof dim !== "number" || !Number.isInteger(dim) || dim <= 0)
    throw new FusionError(`dim must be a positive integer, got ${JSON.stringify(dim)}`, "bad-option", {
      field: "dim",
    });
  return dim;
}

export function checkAlpha(alpha: unknown): number {
  if (typeof alpha !== "number" || !Number.isFinite(alpha))
    throw new FusionError(`alpha must be a finite number, got ${JSON.stringify(alpha)}`, "bad-option", {
      field: "alpha",
    });
  return alpha;
}

export function rowsOf(what: string, data: unknown, dim: number): number {
  if (!(data instanceof Float32Array))
    throw new FusionError(`${what} must be a Float32Array (rows × ${dim}, row-major)`, "bad-option", {
      field: what,
    });
  if (data.length % dim !== 0)
    throw new FusionError(
      `${what} has ${data.length} floats, not a multiple of dim ${dim}`,
      "shape-mismatch",
      { field: what },
    );
  return data.length / dim;
}
