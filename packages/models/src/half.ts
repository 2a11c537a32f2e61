// Half-precision tensors on both supported Node lines. onnxruntime-node 1.23.2 hands float16 data to and from
// its native binding as the raw bits in a Uint16Array. On Node 24, where `Float16Array` exists, ORT's `Tensor`
// wraps those bits in a Float16Array view (outputs included), and the binding then refuses that same tensor as
// an input ("must be a typed array (4) for float16 tensors, but got typed array (11)"). A feed whose data is
// the Uint16Array of bits works on Node 22 and Node 24 alike; so xqg feeds float16 tensors that way and reads
// float16 outputs through their bits, converting them to float32 exactly.
import { ModelError } from "./errors.js";
import type { Tensor } from "./onnx.js";

let table: Float32Array | undefined;

/** float32 value of every float16 bit pattern (65,536 entries, built once): the conversion is exact. */
function halfTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    table[bits] =
      exponent === 0
        ? sign * mantissa * 2 ** -24
        : exponent === 0x1f
          ? mantissa === 0
            ? sign * Number.POSITIVE_INFINITY
            : Number.NaN
          : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return table;
}

/** The raw bits of float16 data, whether ORT gave them as a Uint16Array or a Float16Array (no copy). */
function halfBits(data: ArrayBufferView & { length: number }): Uint16Array {
  return data instanceof Uint16Array ? data : new Uint16Array(data.buffer, data.byteOffset, data.length);
}

/**
 * The values of a float32 or float16 tensor as float32: float32 data as it is (no copy), float16 converted
 * exactly. Any other element type is a ModelError (`io-mismatch`) naming `label` (e.g. the graph output).
 */
export function floatData(tensor: Tensor, label: string): Float32Array {
  if (tensor.type === "float32") return tensor.data as Float32Array;
  if (tensor.type === "float16") {
    const bits = halfBits(tensor.data as Uint16Array);
    const values = halfTable();
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = values[bits[i]!]!;
    return out;
  }
  throw new ModelError(`${label} is ${tensor.type}; xqg reads float32 and float16 outputs`, {
    code: "io-mismatch",
  });
}

/**
 * A tensor ONNX Runtime accepts as an input on Node 22 and 24: a float16 tensor becomes a plain tensor over
 * the Uint16Array of its bits (sharing its memory; see the module comment); any other tensor is returned as it is.
 */
export function feedable(tensor: Tensor): Tensor {
  if (tensor.type !== "float16") return tensor;
  const data = halfBits(tensor.data as Uint16Array);
  const dims = [...tensor.dims];
  return { type: "float16", data, dims, size: data.length, location: "cpu", dispose() {} } as Tensor;
}
