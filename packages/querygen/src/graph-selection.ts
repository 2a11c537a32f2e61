/**
 * Adds the token choice to a decoder graph, so that a decoding step returns k candidates per row instead of
 * the whole vocabulary's logits. The ONNX protobuf is edited in memory, without an ONNX library: appending to
 * a repeated field of a message is appending that field's encoded bytes, so the graph (ModelProto field 7)
 * gets new nodes (GraphProto field 1), initializers (5), inputs (11) and outputs (12), and the model is
 * re-encoded around the longer graph. Everything else (weights, the If branches of a merged decoder, opsets,
 * metadata) is kept byte for byte.
 *
 * Added, after the graph's `logits` output `[rows, positions, vocab]` (which stays an output):
 *
 *   all values, all indices = TopK(logits, xqg_k, axis 2)        [rows, positions, k], largest first
 *   xqg_topk_values, xqg_topk_indices = Gather(…, -1, axis 1)    the last position's: [rows, k]
 *
 *   xqg_logsumexp = If(xqg_normalise)
 *                     then Gather(ReduceLogSumExp(Cast<double>(logits) / xqg_temperature, axis 2), -1, axis 1)
 *                     else an empty tensor                       [rows] float64, or [0]
 *
 * with new inputs `xqg_k` (int64 `[1]`): the k of each run; `xqg_normalise` (bool `[1]`) and `xqg_temperature`
 * (float64 `[1]`): whether to compute each row's log-normaliser log Σ exp(logit / T), in float64, for beam
 * search and top-p over the whole vocabulary (the If skips that pass over the logits when it is not needed).
 *
 * TopK runs on the logits where they lie: gathering the last position first would copy them (40 MB a step at
 * 40 rows of mT5's vocabulary); a decoding step has one position, and the full-recompute path asks for k = 1.
 * ONNX's TopK returns equal values lower index first (the operator's documented tie-break), which is the order
 * of the JavaScript path (value descending, then index ascending); the decoding loop re-sorts the k values
 * anyway, so the order does not rest on it.
 * Greedy asks for k = 1: the largest logit, the lowest index on ties, as JavaScript's `argmax` and torch.argmax.
 *
 * float16 logits (an `optimum-cli export onnx --fp16` decoder): TopK runs on them as they are, and only the k
 * values are cast to float32 (`xqg_topk_values` stays float32); float16 → float32 is exact, so the candidates
 * are those the JavaScript path finds in the same logits converted to float32, ties included.
 */

/** Names this module adds to a graph; a graph that already has one of them is left alone (it errors). */
export const SELECTION_NAMES = {
  k: "xqg_k",
  values: "xqg_topk_values",
  indices: "xqg_topk_indices",
  normalise: "xqg_normalise",
  temperature: "xqg_temperature",
  logSumExp: "xqg_logsumexp",
} as const;

const ALL_VALUES = "xqg_topk_all_values";
const ALL_INDICES = "xqg_topk_all_indices";
const LAST_INDEX = "xqg_last_position";
const HALF_VALUES = "xqg_topk_values_half";

/** The smallest default-domain opset with TopK's K as an input and Gather's negative indices. */
const MIN_OPSET = 11;

// ONNX TensorProto.DataType
const FLOAT = 1;
const FLOAT16 = 10;
const INT64 = 7;
const BOOL = 9;
const DOUBLE = 11;

/** Why a graph cannot take the selection (thrown by `addSelection`). */
export class SelectionUnsupported extends Error {}

/**
 * The model with the selection nodes added (see the module comment). Throws `SelectionUnsupported` when the
 * graph has no float32 or float16 `logits` output, when its default-domain opset is below 11, or when a name clashes.
 */
export function addSelection(model: Uint8Array): Uint8Array {
  const fields = readFields(model);
  const graphs = fields.filter((f) => f.field === 7);
  if (graphs.length !== 1) throw new SelectionUnsupported("the model has no graph (ModelProto field 7)");
  const opset = defaultOpset(model, fields);
  if (opset < MIN_OPSET) {
    throw new SelectionUnsupported(
      `the graph's opset is ${opset}; the selection needs opset ${MIN_OPSET} or later`,
    );
  }
  const graphField = graphs[0]!;
  const graph = model.subarray(graphField.start, graphField.end);
  const half = checkGraph(graph) === FLOAT16;

  const added = concat([
    // initializer: the scalar int64 -1 (raw little-endian bytes, no negative varint needed)
    lengthField(5, concat([intField(2, INT64), stringField(8, LAST_INDEX), lengthField(9, int64Bytes(-1n))])),
    // TopK over every position's logits (in place, no copy of them), then the last position of its small result.
    lengthField(
      1,
      node("TopK", ["logits", SELECTION_NAMES.k], [ALL_VALUES, ALL_INDICES], "xqg_topk", [
        intAttribute("axis", 2),
      ]),
    ),
    lengthField(
      1,
      node(
        "Gather",
        [ALL_VALUES, LAST_INDEX],
        [half ? HALF_VALUES : SELECTION_NAMES.values],
        "xqg_last_values",
        [intAttribute("axis", 1)],
      ),
    ),
    ...(half
      ? [
          lengthField(
            1,
            node("Cast", [HALF_VALUES], [SELECTION_NAMES.values], "xqg_values_cast", [
              intAttribute("to", FLOAT),
            ]),
          ),
        ]
      : []),
    lengthField(
      1,
      node("Gather", [ALL_INDICES, LAST_INDEX], [SELECTION_NAMES.indices], "xqg_last_indices", [
        intAttribute("axis", 1),
      ]),
    ),
    lengthField(1, normaliser(opset)),
    lengthField(11, valueInfo(SELECTION_NAMES.k, INT64, [1])),
    lengthField(11, valueInfo(SELECTION_NAMES.normalise, BOOL, [1])),
    lengthField(11, valueInfo(SELECTION_NAMES.temperature, DOUBLE, [1])),
    lengthField(12, valueInfo(SELECTION_NAMES.values, FLOAT, ["rows", "xqg_k"])),
    lengthField(12, valueInfo(SELECTION_NAMES.indices, INT64, ["rows", "xqg_k"])),
    lengthField(12, valueInfo(SELECTION_NAMES.logSumExp, DOUBLE, ["xqg_normalised_rows"])),
  ]);
  const newGraph = concat([graph, added]);
  return concat([
    model.subarray(0, graphField.tagStart),
    lengthField(7, newGraph),
    model.subarray(graphField.end),
  ]);
}

/**
 * The If node that computes `xqg_logsumexp` when `xqg_normalise` is true. Its branches read `logits` and
 * `xqg_temperature` from the outer graph. ReduceLogSumExp takes its axes as an attribute before opset 18 and as
 * an input from 18 on.
 */
function normaliser(opset: number): Uint8Array {
  const out = "xqg_lse_out";
  const axesInput = opset >= 18;
  const reduce = node(
    "ReduceLogSumExp",
    axesInput ? ["xqg_lse_scaled", "xqg_lse_axes"] : ["xqg_lse_scaled"],
    ["xqg_lse_all"],
    "xqg_lse_reduce",
    axesInput ? [intAttribute("keepdims", 0)] : [intsAttribute("axes", [2]), intAttribute("keepdims", 0)],
  );
  const thenBranch = concat([
    lengthField(1, node("Cast", ["logits"], ["xqg_lse_wide"], "xqg_lse_cast", [intAttribute("to", DOUBLE)])),
    lengthField(
      1,
      node("Div", ["xqg_lse_wide", SELECTION_NAMES.temperature], ["xqg_lse_scaled"], "xqg_lse_div", []),
    ),
    ...(axesInput
      ? [
          lengthField(
            1,
            node("Constant", [], ["xqg_lse_axes"], "xqg_lse_axes_constant", [
              tensorAttribute("value", INT64, [1], int64Bytes(2n)),
            ]),
          ),
        ]
      : []),
    lengthField(1, reduce),
    lengthField(
      1,
      node("Gather", ["xqg_lse_all", LAST_INDEX], [out], "xqg_lse_last", [intAttribute("axis", 1)]),
    ),
    stringField(2, "xqg_normalise_then"),
    lengthField(12, valueInfo(out, DOUBLE, ["rows"])),
  ]);
  const elseBranch = concat([
    lengthField(
      1,
      node("Constant", [], ["xqg_lse_none"], "xqg_lse_none_constant", [
        tensorAttribute("value", DOUBLE, [0], new Uint8Array(0)),
      ]),
    ),
    stringField(2, "xqg_normalise_else"),
    lengthField(12, valueInfo("xqg_lse_none", DOUBLE, [0])),
  ]);
  return node("If", [SELECTION_NAMES.normalise], [SELECTION_NAMES.logSumExp], "xqg_normalise_if", [
    graphAttribute("then_branch", thenBranch),
    graphAttribute("else_branch", elseBranch),
  ]);
}

/**
 * Checks that `logits` is a float32 or float16 graph output and that none of the added names is taken; returns
 * the logits' element type.
 */
function checkGraph(graph: Uint8Array): number {
  let logits: number | undefined;
  const taken = new Set([
    SELECTION_NAMES.k,
    SELECTION_NAMES.values,
    SELECTION_NAMES.indices,
    ALL_VALUES,
    ALL_INDICES,
    LAST_INDEX,
    HALF_VALUES,
  ]);
  for (const f of readFields(graph)) {
    if (f.field === 11 || f.field === 12 || f.field === 5) {
      const body = graph.subarray(f.start, f.end);
      const name = stringOf(body, f.field === 5 ? 8 : 1);
      if (name !== undefined && taken.has(name)) {
        throw new SelectionUnsupported(`the graph already has a value named "${name}"`);
      }
      if (f.field === 12 && name === "logits") logits = elemTypeOf(body);
    }
  }
  if (logits === undefined) throw new SelectionUnsupported('the graph has no output named "logits"');
  if (logits !== FLOAT && logits !== FLOAT16) {
    throw new SelectionUnsupported(
      `the graph's logits have ONNX element type ${logits}, not float32 (1) or float16 (10)`,
    );
  }
  return logits;
}

/** The default-domain ("" or "ai.onnx") version of ModelProto.opset_import (field 8). */
function defaultOpset(model: Uint8Array, fields: Field[]): number {
  for (const f of fields) {
    if (f.field !== 8) continue;
    const body = model.subarray(f.start, f.end);
    const domain = stringOf(body, 1) ?? "";
    if (domain !== "" && domain !== "ai.onnx") continue;
    const version = readFields(body).find((g) => g.field === 2);
    return version?.value ?? 0;
  }
  return 0;
}

/** TypeProto.tensor_type.elem_type of a ValueInfoProto. */
function elemTypeOf(valueInfo: Uint8Array): number | undefined {
  const type = readFields(valueInfo).find((f) => f.field === 2);
  if (!type) return undefined;
  const typeBody = valueInfo.subarray(type.start, type.end);
  const tensor = readFields(typeBody).find((f) => f.field === 1);
  if (!tensor) return undefined;
  return readFields(typeBody.subarray(tensor.start, tensor.end)).find((f) => f.field === 1)?.value;
}

function stringOf(message: Uint8Array, field: number): string | undefined {
  const f = readFields(message).find((g) => g.field === field && g.wire === 2);
  return f ? new TextDecoder().decode(message.subarray(f.start, f.end)) : undefined;
}

// ---- protobuf wire format -------------------------------------------------------------------------------

interface Field {
  field: number;
  wire: number;
  /** Offset of the field's tag. */
  tagStart: number;
  /** Payload of a length-delimited field. */
  start: number;
  end: number;
  /** Value of a varint field (numbers up to 2^53). */
  value: number;
}

/** The top-level fields of one message (sub-messages are not entered). */
function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new SelectionUnsupported("truncated protobuf (varint)");
      const b = bytes[at++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const tagStart = at;
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let start = at;
    let end = at;
    let value = 0;
    if (wire === 0) {
      value = varint();
      end = at;
    } else if (wire === 1) {
      end = at += 8;
    } else if (wire === 2) {
      const length = varint();
      start = at;
      end = at += length;
    } else if (wire === 5) {
      end = at += 4;
    } else {
      throw new SelectionUnsupported(`unsupported protobuf wire type ${wire} (field ${field})`);
    }
    if (end > bytes.length) throw new SelectionUnsupported(`truncated protobuf (field ${field})`);
    fields.push({ field, wire, tagStart, start, end, value });
  }
  return fields;
}

function varintBytes(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function intField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varintBytes(field * 8), ...varintBytes(value)]);
}

function lengthField(field: number, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varintBytes(field * 8 + 2), ...varintBytes(payload.length)]), payload]);
}

function stringField(field: number, text: string): Uint8Array {
  return lengthField(field, new TextEncoder().encode(text));
}

function int64Bytes(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, value, true);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
function node(op: string, inputs: string[], outputs: string[], name: string, attributes: Uint8Array[]) {
  return concat([
    ...inputs.map((i) => stringField(1, i)),
    ...outputs.map((o) => stringField(2, o)),
    stringField(3, name),
    stringField(4, op),
    ...attributes.map((a) => lengthField(5, a)),
  ]);
}

/** AttributeProto of type INT (2): name 1, i 3, type 20. Non-negative values only. */
function intAttribute(name: string, value: number): Uint8Array {
  return concat([stringField(1, name), intField(3, value), intField(20, 2)]);
}

/** AttributeProto of type INTS (7): name 1, ints 8 (non-negative values). */
function intsAttribute(name: string, values: number[]): Uint8Array {
  return concat([stringField(1, name), ...values.map((v) => intField(8, v)), intField(20, 7)]);
}

/** AttributeProto of type GRAPH (5): name 1, g 6. */
function graphAttribute(name: string, graph: Uint8Array): Uint8Array {
  return concat([stringField(1, name), lengthField(6, graph), intField(20, 5)]);
}

/** AttributeProto of type TENSOR (4): name 1, t 5 → TensorProto dims 1, data_type 2, raw_data 9. */
function tensorAttribute(name: string, type: number, dims: number[], raw: Uint8Array): Uint8Array {
  const tensor = concat([...dims.map((d) => intField(1, d)), intField(2, type), lengthField(9, raw)]);
  return concat([stringField(1, name), lengthField(5, tensor), intField(20, 4)]);
}

/** ValueInfoProto: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 (value 1 | param 2). */
function valueInfo(name: string, elemType: number, dims: Array<number | string>): Uint8Array {
  const shape = concat(
    dims.map((d) => lengthField(1, typeof d === "number" ? intField(1, d) : stringField(2, d))),
  );
  const tensor = concat([intField(1, elemType), lengthField(2, shape)]);
  return concat([stringField(1, name), lengthField(2, lengthField(1, tensor))]);
}
