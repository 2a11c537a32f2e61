import { AnnError } from "./errors.js";

/**
 * Storage types for vectors inside an HNSW index, spelled as NumPy spells them. Input and queries are always
 * Float32Array.
 */
export const DTYPES = {
  float32: { usearch: "f32", headerCode: 11, bytes: 4, description: "float32, exact storage" },
  float16: { usearch: "f16", headerCode: 12, bytes: 2, description: "float16, half the memory" },
  int8: {
    usearch: "i8",
    headerCode: 23,
    bytes: 1,
    description:
      "int8 of the unit-length vector (usearch scales each row by its norm): ranks by direction, so ip behaves as cos",
  },
} as const;

export type Dtype = keyof typeof DTYPES;

/** The dtypes' names before 0.1 (usearch's spelling): still read from index manifests saved with them. */
export const RENAMED_DTYPES: Readonly<Record<string, Dtype>> = { f32: "float32", f16: "float16", i8: "int8" };

export function checkDtype(dtype: unknown): Dtype {
  if (typeof dtype === "string" && Object.hasOwn(DTYPES, dtype)) return dtype as Dtype;
  const renamed = typeof dtype === "string" ? RENAMED_DTYPES[dtype] : undefined;
  throw new AnnError(
    renamed
      ? `dtype "${dtype}" was renamed to "${renamed}"`
      : `unknown dtype ${JSON.stringify(dtype)}; allowed: ${Object.keys(DTYPES).join(", ")}`,
    { code: "invalid-option", field: "dtype" },
  );
}

/** A manifest's dtype: the current names, or the old ones an index saved before the rename holds. */
export function manifestDtype(dtype: unknown): Dtype {
  return typeof dtype === "string" && Object.hasOwn(RENAMED_DTYPES, dtype)
    ? RENAMED_DTYPES[dtype]!
    : checkDtype(dtype);
}
