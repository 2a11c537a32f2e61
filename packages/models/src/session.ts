import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { checkOptions } from "@xqg/core";
import * as ort from "onnxruntime-node";
import { ModelError } from "./errors.js";
import type { InferenceSession, Tensor } from "./onnx.js";

/** ONNX Runtime graph optimisation levels, by the names ORT uses. */
export const GRAPH_OPTIMIZATION_LEVELS = {
  disabled: "disabled",
  basic: "basic",
  extended: "extended",
  all: "all",
} as const;
export type GraphOptimizationLevel = keyof typeof GRAPH_OPTIMIZATION_LEVELS;

/** Execution providers xqg can ask for; `cpu` is always present, `cuda` only with ORT's CUDA libraries. */
export const EXECUTION_PROVIDERS = {
  cpu: "CPU (bundled with onnxruntime-node)",
  cuda: "CUDA 12 with cuDNN 9 (needs onnxruntime-node's CUDA provider libraries)",
} as const;
export type ExecutionProvider = keyof typeof EXECUTION_PROVIDERS;

export interface SessionOptions {
  /**
   * Threads ONNX Runtime may use; 0 (default) lets ORT choose (one per physical core). It sets ORT's intra-op
   * pool; the inter-op pool gets the same cap (ORT only uses it in its parallel execution mode, which xqg never
   * turns on).
   */
  threads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Tried in order; ORT falls back along the list. */
  executionProviders?: ExecutionProvider[];
  /** GPU ordinal for CUDA. */
  deviceId?: number;
  /**
   * Input and output names the graph must have (a RegExp matches a family such as /^past_key_values\./): a
   * graph exported with other names fails here, naming the one missing and listing those it has.
   */
  expect?: ExpectedNames;
  /**
   * The graph's bytes, when they were edited in memory; `file` still names it in errors, and its external
   * weights are looked up beside `file`.
   */
  bytes?: Uint8Array;
}

/** Session defaults: ORT's own thread choice, every graph optimisation, CPU only. */
export const SESSION_DEFAULTS = {
  threads: 0,
  graphOptimizationLevel: "all",
  executionProviders: ["cpu"],
  deviceId: 0,
} as const satisfies Required<Omit<SessionOptions, "expect" | "bytes">>;

const SESSION_KEYS = [
  "threads",
  "graphOptimizationLevel",
  "executionProviders",
  "deviceId",
  "expect",
  "bytes",
] as const;

export type { InferenceSession };

/**
 * Whether onnxruntime-node can use CUDA here: its CUDA provider library must sit beside the native binding
 * (onnxruntime-node's install script downloads it; `ONNXRUNTIME_NODE_INSTALL=skip` leaves it out).
 */
export function isCudaAvailable(): boolean {
  const binding = nativeBindingDir();
  return binding !== undefined && existsSync(join(binding, "libonnxruntime_providers_cuda.so"));
}

function nativeBindingDir(): string | undefined {
  if (process.platform !== "linux") return undefined;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve("onnxruntime-node");
  } catch {
    return undefined;
  }
  // dist/index.js → package root → bin/napi-v6/linux/<arch>
  return join(dirname(entry), "..", "bin", "napi-v6", "linux", process.arch);
}

/** Opens an ONNX graph with the given threads, optimisation level and execution providers (CPU by default). */
export async function createSession(file: string, opts: SessionOptions = {}): Promise<InferenceSession> {
  checkOptions(opts, SESSION_KEYS, "createSession");
  const { expect, bytes, ...given } = opts ?? {};
  const settings = { ...SESSION_DEFAULTS, ...definedOnly(given) };
  checkThreads("threads", settings.threads);
  if (!(settings.graphOptimizationLevel in GRAPH_OPTIMIZATION_LEVELS)) {
    throw new ModelError(
      `graphOptimizationLevel must be one of ${Object.keys(GRAPH_OPTIMIZATION_LEVELS).join(", ")}, ` +
        `got ${JSON.stringify(settings.graphOptimizationLevel)}`,
      { code: "invalid-option", field: "graphOptimizationLevel" },
    );
  }
  const providers = settings.executionProviders.map((name) => providerFor(name, settings.deviceId));
  if (!existsSync(file))
    throw new ModelError(`${file}: ONNX graph not found`, { code: "missing-file", file: file });
  const info = statSync(file);
  if (info.isDirectory())
    throw new ModelError(`${file}: is a folder, not an ONNX graph`, { code: "session-failed", file });
  if (info.size === 0 && !bytes) {
    throw new ModelError(
      `${file}: empty file (0 bytes): a download or copy that was cut off; fetch the model again`,
      {
        code: "session-failed",
        file,
      },
    );
  }
  let session: InferenceSession;
  try {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: settings.threads,
      interOpNumThreads: settings.threads,
      graphOptimizationLevel: settings.graphOptimizationLevel,
      executionProviders: providers,
      // ORT's own log lines (coloured, naming no model) are off: its errors come back as ModelErrors.
      logSeverityLevel: 4,
    };
    const opened = bytes
      ? await ort.InferenceSession.create(bytes, {
          ...options,
          extra: { session: { model_external_initializers_file_folder_path: dirname(file) } },
        })
      : await ort.InferenceSession.create(file, options);
    session = new NamedSession(opened, file);
  } catch (error) {
    const why = loadFailure(error);
    const reason = why.includes("Protobuf parsing failed")
      ? "not a complete ONNX graph (its protobuf does not parse): a download or copy that was cut off, or " +
        "another kind of file; fetch or export the model again"
      : `ONNX Runtime could not load the graph: ${why}`;
    throw new ModelError(`${file}: ${reason}`, { code: "session-failed", file: file, cause: error });
  }
  if (expect) {
    try {
      checkSessionNames(session, expect, file);
    } catch (error) {
      await session.release();
      throw error;
    }
  }
  return session;
}

/**
 * ONNX Runtime's reason, with what it means for a bfloat16 graph: onnxruntime-node 1.23.2 has no JavaScript
 * tensor type for bfloat16 inputs and outputs ("Unsupported data type: 16"), and its CPU provider no bfloat16
 * kernels for MatMul, Add or Softmax.
 */
function loadFailure(error: unknown): string {
  const message = oneLine(error);
  return /Unsupported data type: 16\b|bfloat16/i.test(message)
    ? `${message} (a bfloat16 graph: ONNX Runtime's CPU provider and onnxruntime-node cannot run bfloat16; ` +
        "export in float32 or float16, or quantize to int8)"
    : message;
}

function providerFor(
  name: ExecutionProvider,
  deviceId: number,
): ort.InferenceSession.ExecutionProviderConfig {
  if (name === "cpu") return "cpu";
  if (name === "cuda") {
    if (!isCudaAvailable()) {
      throw new ModelError(
        "executionProviders asks for cuda, but onnxruntime-node's CUDA provider is not installed here " +
          "(needs Linux x64, CUDA 12 + cuDNN 9, and onnxruntime-node installed with its install script " +
          "allowed, i.e. without ONNXRUNTIME_NODE_INSTALL=skip); use executionProviders: ['cpu'] otherwise",
        { code: "provider-unavailable" },
      );
    }
    return { name: "cuda", deviceId };
  }
  throw new ModelError(
    `unknown execution provider ${JSON.stringify(name)}; expected one of ${Object.keys(EXECUTION_PROVIDERS).join(", ")}`,
    { code: "invalid-option" },
  );
}

function checkThreads(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ModelError(
      `${field} must be a non-negative integer (0 = all cores, ORT chooses), got ${value}`,
      { code: "invalid-option", field },
    );
  }
  // ORT starts every thread asked for: 100,000 took 16.5 GB and ignored SIGTERM for minutes
  const cores = availableParallelism();
  if (value > 4 * cores) {
    throw new ModelError(
      `${field} must be at most 4 × the ${cores} cores of this machine (${4 * cores}; 0 = all cores), got ${value}`,
      { code: "invalid-option", field },
    );
  }
}

function definedOnly<T extends object>(opts: T): Partial<T> {
  return Object.fromEntries(Object.entries(opts).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Expected graph names; a RegExp matches every name of a family such as /^past_key_values\./. */
export interface ExpectedNames {
  inputs?: Array<string | RegExp>;
  outputs?: Array<string | RegExp>;
}

/**
 * Throws a ModelError naming the first expected input or output the session lacks, with the names it does
 * have, so a graph exported with other names fails before the first run rather than inside it.
 */
function checkSessionNames(session: InferenceSession, expected: ExpectedNames, label = "model"): void {
  checkNames(label, "input", session.inputNames, expected.inputs ?? []);
  checkNames(label, "output", session.outputNames, expected.outputs ?? []);
}

function checkNames(
  label: string,
  kind: "input" | "output",
  actual: readonly string[],
  expected: Array<string | RegExp>,
): void {
  for (const want of expected) {
    const found = typeof want === "string" ? actual.includes(want) : actual.some((name) => want.test(name));
    if (!found) {
      throw new ModelError(
        `${label}: expected an ${kind} named ${typeof want === "string" ? `"${want}"` : String(want)}, ` +
          `but the graph's ${kind}s are ${actual.map((name) => `"${name}"`).join(", ")}`,
        { code: "io-mismatch", file: label },
      );
    }
  }
}

/**
 * ORT's session, with its run errors rewritten as one line naming the graph file: an index past a Gather's
 * table (a token id the embedding table has no row for) says that the graph and its tokenizer or config
 * disagree. A second `run` argument (ORT's fetches) is passed through.
 */
class NamedSession implements InferenceSession {
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly file: string,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  get inputMetadata(): InferenceSession["inputMetadata"] {
    return this.session.inputMetadata as unknown as InferenceSession["inputMetadata"];
  }

  get outputMetadata(): InferenceSession["outputMetadata"] {
    return this.session.outputMetadata as unknown as InferenceSession["outputMetadata"];
  }

  async run(feeds: Readonly<Record<string, Tensor>>, ...rest: unknown[]): Promise<Record<string, Tensor>> {
    try {
      return (await (this.session.run as (...args: unknown[]) => Promise<unknown>).call(
        this.session,
        feeds,
        ...rest,
      )) as Record<string, Tensor>;
    } catch (error) {
      throw runError(error, this.file);
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

const GATHER_BOUNDS =
  /Gather node\. Name:'([^']*)'.*indices element out of data bounds, idx=(-?\d+) must be within the inclusive range \[(-?\d+),(-?\d+)\]/;

/** An error of ORT's run as a ModelError naming the graph file (exported for the tests). */
export function runError(error: unknown, file: string): ModelError {
  const message = oneLine(error);
  const gather = GATHER_BOUNDS.exec(message);
  if (gather) {
    const [, node, index, , last] = gather;
    return new ModelError(
      `${file}: index ${index} is past the ${Number(last) + 1} rows of the table that Gather node ${node} reads ` +
        "(a token id or position the graph has no row for): the graph disagrees with its tokenizer.json or " +
        "config.json, or the input is longer than the graph's positions",
      { code: "model-mismatch", file, cause: error },
    );
  }
  return new ModelError(`${file}: ONNX Runtime failed running the graph: ${message}`, {
    code: "session-failed",
    file,
    cause: error,
  });
}

/** An error's message on one line, without terminal colour codes. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/\u001b\[[0-9;]*m/g, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}
