import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ModelConfig } from "./config.js";
import { ModelError } from "./errors.js";
import type { Tokenizer } from "./tokenizer.js";

/** The table a graph's `input_ids` index: the initializer a Gather node reads them from, and its rows. */
export interface EmbeddingTable {
  name: string;
  rows: number;
}

const WINDOW = 1 << 20;

/**
 * Reads an ONNX file's protobuf in windows of 1 MiB, skipping tensor bytes by their length, so that a
 * graph's node list and initializer shapes are found without reading its weights.
 */
class ProtoFile {
  private readonly fd: number;
  readonly size: number;
  private buffer = Buffer.alloc(0);
  private base = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, "r");
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private byte(pos: number): number {
    if (pos < this.base || pos >= this.base + this.buffer.length) {
      const window = Buffer.alloc(WINDOW);
      const read = readSync(this.fd, window, 0, WINDOW, pos);
      if (read === 0) throw new RangeError(`${this.file}: protobuf ends early`);
      this.buffer = window.subarray(0, read);
      this.base = pos;
    }
    return this.buffer[pos - this.base]!;
  }

  bytes(pos: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    const read = readSync(this.fd, out, 0, length, pos);
    if (read !== length) throw new RangeError(`${this.file}: protobuf ends early`);
    return out;
  }

  /** A varint at `pos` (as a Number: lengths and dims here stay far below 2^53) and the position after it. */
  varint(pos: number): [number, number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte(pos + i);
      value += (b & 0x7f) * scale;
      if (b < 0x80) return [value, pos + i + 1];
      scale *= 128;
    }
    throw new RangeError(`${this.file}: malformed varint at byte ${pos}`);
  }

  /** Calls `visit(field, wireType, valueStart, valueEnd)` for each field of the message in [start, end). */
  fields(
    start: number,
    end: number,
    visit: (field: number, wire: number, from: number, to: number) => void,
  ): void {
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = this.varint(pos);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      let to: number;
      let from = afterTag;
      if (wire === 0) to = this.varint(afterTag)[1];
      else if (wire === 1) to = afterTag + 8;
      else if (wire === 5) to = afterTag + 4;
      else if (wire === 2) {
        const [length, afterLength] = this.varint(afterTag);
        from = afterLength;
        to = afterLength + length;
      } else throw new RangeError(`${this.file}: unsupported protobuf wire type ${wire} at byte ${pos}`);
      if (to > end) throw new RangeError(`${this.file}: protobuf field runs past its message at byte ${pos}`);
      visit(field, wire, from, to);
      pos = to;
    }
  }

  text(from: number, to: number): string {
    return this.bytes(from, to - from).toString("utf8");
  }
}

/**
 * The embedding table of `input`: the initializer that a Gather node of the main graph indexes with the graph
 * input `input` (ModelProto.graph → NodeProto op_type "Gather", inputs [table, input]; TensorProto dims).
 * Undefined where there is no such node or the table is not a 2-D initializer (quantized or computed tables),
 * and where the file is not a protobuf this reader follows.
 */
export function readEmbeddingTable(file: string, input = "input_ids"): EmbeddingTable | undefined {
  let proto: ProtoFile;
  try {
    proto = new ProtoFile(file);
  } catch {
    return undefined;
  }
  try {
    let graph: [number, number] | undefined;
    proto.fields(0, proto.size, (field, wire, from, to) => {
      if (field === 7 && wire === 2) graph = [from, to];
    });
    if (!graph) return undefined;
    const tables: string[] = [];
    const dims = new Map<string, number[]>();
    proto.fields(graph[0], graph[1], (field, wire, from, to) => {
      if (wire !== 2) return;
      if (field === 1) {
        const node = gatherInputs(proto, from, to);
        if (node && node[1] === input) tables.push(node[0]);
      } else if (field === 5) {
        const tensor = tensorDims(proto, from, to);
        if (tensor) dims.set(tensor.name, tensor.dims);
      }
    });
    for (const name of tables) {
      const shape = dims.get(name);
      if (shape?.length === 2) return { name, rows: shape[0]! };
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    proto.close();
  }
}

/** A Gather node's first two inputs, or undefined for any other node. */
function gatherInputs(proto: ProtoFile, start: number, end: number): [string, string] | undefined {
  const inputs: string[] = [];
  let op = "";
  proto.fields(start, end, (field, wire, from, to) => {
    if (wire !== 2) return;
    if (field === 1) inputs.push(proto.text(from, to));
    else if (field === 4) op = proto.text(from, to);
  });
  return op === "Gather" && inputs.length >= 2 ? [inputs[0]!, inputs[1]!] : undefined;
}

/** A TensorProto's name and dims (packed or not); its data fields are skipped by length. */
function tensorDims(
  proto: ProtoFile,
  start: number,
  end: number,
): { name: string; dims: number[] } | undefined {
  const dims: number[] = [];
  let name = "";
  proto.fields(start, end, (field, wire, from, to) => {
    if (field === 1 && wire === 0) dims.push(proto.varint(from)[0]);
    else if (field === 1 && wire === 2) {
      for (let pos = from; pos < to; ) {
        const [value, next] = proto.varint(pos);
        dims.push(value);
        pos = next;
      }
    } else if (field === 8 && wire === 2) name = proto.text(from, to);
  });
  return name ? { name, dims } : undefined;
}

/** What a model's graph is checked against: its tokenizer and config (with the files they came from). */
export interface AgreementSources {
  tokenizer?: Tokenizer;
  tokenizerFile?: string;
  config?: ModelConfig;
  configFile?: string;
}

/**
 * Checks that a graph's embedding table (see {@link readEmbeddingTable}) has a row for every token id of the
 * tokenizer, and as many rows as config.json's `vocab_size`; a `ModelError` (`model-mismatch`) naming the
 * files and the counts otherwise. A graph whose table cannot be read is taken as it is (ONNX Runtime's own
 * error is then rewritten at run time, see createSession).
 */
export function checkEmbeddingTable(graphFile: string, sources: AgreementSources): void {
  const table = readEmbeddingTable(graphFile);
  if (!table) return;
  const { tokenizer, config } = sources;
  const what = `the graph's embedding table ${table.name} has ${table.rows} rows`;
  if (tokenizer && tokenizer.vocabSize > table.rows) {
    throw new ModelError(
      `${graphFile}: ${what}, but ${sources.tokenizerFile ?? "its tokenizer.json"} has token ids up to ` +
        `${tokenizer.vocabSize - 1}: the tokenizer and the graph come from different models`,
      { code: "model-mismatch", file: graphFile },
    );
  }
  const vocab = config?.vocab_size;
  if (typeof vocab === "number" && vocab !== table.rows) {
    throw new ModelError(
      `${graphFile}: ${what}, but ${sources.configFile ?? "its config.json"} says vocab_size ${vocab}: ` +
        "the config and the graph come from different models",
      { code: "model-mismatch", file: graphFile },
    );
  }
}
