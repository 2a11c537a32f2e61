import { isCudaAvailable } from "@xqg/models";
import { describe, expect, it } from "vitest";
import { executionProviders, sessionOptions } from "../src/device.js";
import { createLogger } from "../src/progress.js";

function capture() {
  let text = "";
  const write = (chunk: string): boolean => {
    text += chunk;
    return true;
  };
  const stream = { write } as unknown as NodeJS.WritableStream;
  return { log: createLogger({ stream, tty: false }), text: () => text };
}

describe("device", () => {
  it("maps to ONNX Runtime's execution providers; auto without CUDA warns once and uses the CPU", () => {
    const { log, text } = capture();
    expect(executionProviders("cpu", log)).toEqual(["cpu"]);
    expect(executionProviders("cuda", log)).toEqual(["cuda"]);
    expect(sessionOptions({ threads: 3, log })).toEqual({ threads: 3 });
    if (isCudaAvailable()) {
      expect(executionProviders("auto", log)).toEqual(["cuda"]);
    } else {
      expect(executionProviders("auto", log)).toEqual(["cpu"]);
      expect(sessionOptions({ threads: 0, device: "auto", log })).toEqual({
        threads: 0,
        executionProviders: ["cpu"],
      });
      expect(text().trim().split("\n")).toEqual([
        "xqg: warning: device auto: onnxruntime-node's CUDA provider is not installed here; running on the CPU " +
          "(see the runner README, Distributed runs, for installing it with CUDA)",
      ]);
    }
  });
});
