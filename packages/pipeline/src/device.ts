import { type ExecutionProvider, isCudaAvailable, type SessionOptions } from "@xqg/models";
import type { Logger } from "./progress.js";

/** Where ONNX Runtime runs the models: the CPU, CUDA (an error where it is missing), or CUDA when present. */
export const DEVICES = {
  cpu: "ONNX Runtime's CPU provider (bundled)",
  cuda: "ONNX Runtime's CUDA provider; an error where it is not installed",
  auto: "CUDA where onnxruntime-node's CUDA provider is installed, else the CPU with a warning",
} as const;
export type Device = keyof typeof DEVICES;

let warned = false;

/** The execution providers of `device` here; `auto` without CUDA warns once per process and uses the CPU. */
export function executionProviders(device: Device, log: Logger): ExecutionProvider[] {
  if (device === "cpu") return ["cpu"];
  if (device === "cuda") return ["cuda"];
  if (isCudaAvailable()) return ["cuda"];
  if (!warned) {
    warned = true;
    log.warn(
      "device auto: onnxruntime-node's CUDA provider is not installed here; running on the CPU " +
        "(see the runner README, Distributed runs, for installing it with CUDA)",
    );
  }
  return ["cpu"];
}

/** ONNX Runtime session options of a stage: its threads and its device's providers. */
export function sessionOptions(env: {
  readonly threads: number;
  readonly device?: Device;
  readonly log: Logger;
}): SessionOptions {
  const device = env.device ?? "cpu";
  return device === "cpu"
    ? { threads: env.threads }
    : { threads: env.threads, executionProviders: executionProviders(device, env.log) };
}

/** What a manifest records as the device of a unit that ran models: `cpu` or `cuda`. */
export function deviceOf(env: { readonly device?: Device; readonly log: Logger }): "cpu" | "cuda" {
  return executionProviders(env.device ?? "cpu", env.log)[0] === "cuda" ? "cuda" : "cpu";
}
