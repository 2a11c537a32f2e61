// The ONNX Runtime types this package's API exposes, declared structurally: the part of ORT's `Tensor` and
// `InferenceSession` that xqg uses, which ORT's own objects satisfy (createSession returns ORT's session and
// `Tensor` is ORT's class). ORT's declarations are not re-exported because they name browser types
// (WebGLTexture, ImageData, HTMLImageElement, ImageBitmap): a consumer that type-checks its dependencies'
// declarations (`skipLibCheck: false`) without the "dom" lib would fail on them as soon as our .d.ts imported
// onnxruntime-node.
import * as ort from "onnxruntime-node";

/** What a tensor's `data` holds for each element type (ONNX Runtime's names and storage). */
export interface TensorDataMap {
  float32: Float32Array;
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  string: string[];
  bool: Uint8Array;
  float16: Uint16Array;
  float64: Float64Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  uint4: Uint8Array;
  int4: Int8Array;
}

/** An ONNX tensor element type, as ONNX Runtime names it. */
export type TensorType = keyof TensorDataMap;

/** The storage of a tensor of any element type. */
export type TensorData = TensorDataMap[TensorType];

/** A tensor in CPU memory, as ONNX Runtime's `Tensor` gives and takes it. */
export interface Tensor {
  readonly type: TensorType;
  readonly data: TensorData;
  readonly dims: readonly number[];
  /** Number of elements. */
  readonly size: number;
  /** Releases the tensor's memory (ORT's own buffers; a no-op for data the caller owns). */
  dispose(): void;
}

/** ONNX Runtime's `Tensor` class: `new Tensor(type, data, dims)`; plain arrays are copied into typed storage. */
export interface TensorConstructor {
  new (
    type: TensorType,
    data: TensorData | readonly number[] | readonly bigint[] | readonly boolean[] | readonly string[],
    dims?: readonly number[],
  ): Tensor;
}

/** ONNX Runtime's `Tensor` class, typed by {@link TensorConstructor}. */
export const Tensor: TensorConstructor = ort.Tensor as unknown as TensorConstructor;

/** An input or output of a graph: a tensor with its element type and shape, or a non-tensor value. */
export type ValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | {
      readonly name: string;
      readonly isTensor: true;
      readonly type: TensorType;
      /** Dimensions: a number where fixed, the symbolic name where not (e.g. "batch"). */
      readonly shape: ReadonlyArray<number | string>;
    };

/** An open ONNX graph (ONNX Runtime's `InferenceSession`, as far as xqg uses it). */
export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Runs the graph on the given inputs; resolves to every output by name. */
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
  /** Frees the session's native resources. */
  release(): Promise<void>;
}
