import { feedable, Tensor } from "@xqg/models";

type RowData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

/**
 * A tensor made of rows `rows` of `tensor` along its first axis (rows may repeat). Rows are contiguous in
 * row-major storage, so each one is a single block copy; the input is never modified. A float16 tensor comes
 * back as its bits (`feedable`), ready to be fed again on Node 22 and 24.
 */
export function gatherRows(tensor: Tensor, rows: readonly number[]): Tensor {
  const [count, ...rest] = tensor.dims;
  const data = tensor.data as RowData;
  const size = count === 0 ? 0 : data.length / count!;
  const out = new (data.constructor as { new (n: number): RowData })(rows.length * size);
  rows.forEach((row, i) => {
    if (row < 0 || row >= count!) throw new Error(`row ${row} is outside a tensor of ${count} rows`);
    out.set(data.subarray(row * size, (row + 1) * size) as never, i * size);
  });
  return feedable(new Tensor(tensor.type, out, [rows.length, ...rest]));
}

/** Int64 tensor `[rows, width]` from equal-length rows of ids. */
export function int64Matrix(rows: ReadonlyArray<ReadonlyArray<number>>, width: number): Tensor {
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((row, i) => {
    for (let j = 0; j < width; j++) data[i * width + j] = BigInt(row[j]!);
  });
  return new Tensor("int64", data, [rows.length, width]);
}
