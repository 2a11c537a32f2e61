import { float32ToHalf, halfToFloat32 } from "./half.js";
import type { NpyDtype } from "./header.js";

export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian bytes of `rows` stored as `dtype` (a view, not a copy, where no conversion is needed). */
export function encodeRows(rows: Float32Array, dtype: NpyDtype): Uint8Array {
  if (dtype === "float32") {
    if (HOST_LITTLE_ENDIAN) return new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
    const out = new Uint8Array(rows.byteLength);
    const view = new DataView(out.buffer);
    for (let i = 0; i < rows.length; i++) view.setFloat32(i * 4, rows[i]!, true);
    return out;
  }
  const halves = float32ToHalf(rows);
  if (!HOST_LITTLE_ENDIAN) {
    const view = new DataView(halves.buffer);
    for (let i = 0; i < halves.length; i++) view.setUint16(i * 2, halves[i]!, true);
  }
  return new Uint8Array(halves.buffer);
}

/** Float32 values from the raw bytes of `count` elements (`bytes` must own a fresh, aligned buffer). */
export function decodeRows(
  bytes: Uint8Array,
  dtype: NpyDtype,
  littleEndian: boolean,
  out?: Float32Array,
): Float32Array {
  const itemSize = dtype === "float32" ? 4 : 2;
  const count = bytes.byteLength / itemSize;
  if (littleEndian === HOST_LITTLE_ENDIAN) {
    if (dtype === "float16")
      return halfToFloat32(new Uint16Array(bytes.buffer, bytes.byteOffset, count), out);
    const rows = new Float32Array(bytes.buffer, bytes.byteOffset, count);
    if (out === undefined || out.buffer === rows.buffer) return rows;
    out.set(rows);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === "float32") {
    const rows = out ?? new Float32Array(count);
    for (let i = 0; i < count; i++) rows[i] = view.getFloat32(i * 4, littleEndian);
    return rows;
  }
  const halves = new Uint16Array(count);
  for (let i = 0; i < count; i++) halves[i] = view.getUint16(i * 2, littleEndian);
  return halfToFloat32(halves, out);
}
