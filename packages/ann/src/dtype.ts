import { AnnError } from "./errors.js";

/** Storage types for vectors inside an HNSW index. Input and queries are always Float32Array. */
export const DTYPES = {
  f32: { usearch: "f32", headerCode: 11, bytes: 4, description: "float32, exact storage" },
  f16: { usearch: "f16", headerCode: 12, bytes: 2, description: "float16, half the memory" },
  i8: {
    usearch: "i8",
    headerCode: 23,
    bytes: 1,
    description:
      "int8 of the unit-length vector (usearch scales each row by its norm): ranks by direction, so ip behaves as cos",
  },
} as const;

export type Dtype = keyof typeof DTYPES;

export function checkDtype(dtype: unknown): Dtype {
  if (typeof dtype === "string" && Object.hasOwn(DTYPES, dtype)) return dtype as Dtype;
  throw new AnnError(
    `unknown dtype ${JSON.stringify(dtype)}; allowed: ${Object.keys(DTYPES).join(", ")}`,
    "bad-option",
    { field: "dtype" },
  );
}
