import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isCudaAvailable } from "@xqg/models";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { executionProviders, sessionOptions } from "../src/device.js";
import { createLogger } from "../src/progress.js";
import { QUICKSTART, writeTestConfig, xqg } from "./helpers.js";

const base = `corpus: c.jsonl\nqueries: q.jsonl\nencoder: enc\ngenerator: gen\n`;

function capture() {
  let text = "";
  const write = (chunk: string): boolean => {
    text += chunk;
    return true;
  };
  const stream = { write } as unknown as NodeJS.WritableStream;
  return { log: createLogger({ stream, tty: false }), text: () => text };
}

describe("device: cpu | cuda | auto", () => {
  it("is a config key (default cpu) with a one-line error naming the choices", () => {
    expect(parseConfig(base, "x.yaml", "/w/x.yaml").device).toBe("cpu");
    expect(parseConfig(`${base}device: auto\n`, "x.yaml", "/w/x.yaml").device).toBe("auto");
    expect(() => parseConfig(`${base}device: gpu\n`, "x.yaml", "/w/x.yaml")).toThrow(
      'x.yaml:5: device: expected one of cpu, cuda, auto, got "gpu"',
    );
    expect(parseConfig(`${base}queue: redis://h:6379/1\n`, "x.yaml", "/w/x.yaml").queue).toBe(
      "redis://h:6379/1",
    );
    expect(() => parseConfig(`${base}queue: h:6379\n`, "x.yaml", "/w/x.yaml")).toThrow(
      /x\.yaml:5: queue: expected a Redis URL, redis:\/\/\[user:password@\]HOST:PORT\[\/DB\], got "h:6379"/,
    );
  });

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

  it.skipIf(isCudaAvailable())(
    "device: cuda without ORT's CUDA provider: one clear line, exit 1",
    async () => {
      await withTempDir(async (dir) => {
        const generated = join(dir, "g.jsonl");
        const docids = (await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8"))
          .trim()
          .split("\n")
          .map((l) => (JSON.parse(l) as { docid: string }).docid);
        await writeFile(
          generated,
          docids.map((d) => `${JSON.stringify({ docid: d, queries: { ar: ["q"] } })}\n`).join(""),
        );
        const config = await writeTestConfig(dir, `generated: ${generated}\ndevice: cuda\n`);
        const result = await xqg("run", config, "--quiet");
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(
          /^xqg: executionProviders asks for cuda, but onnxruntime-node's CUDA provider is not installed here .*\n$/,
        );
      });
    },
  );

  it("manifests of units that run models record the device", async () => {
    await withTempDir(async (dir) => {
      const config = await writeTestConfig(dir);
      const { encodeQueriesStage } = await import("../src/stages/encode.js");
      const { Hasher } = await import("../src/hash.js");
      const { loadConfig } = await import("../src/config.js");
      const loaded = await loadConfig(config);
      const manifest = join(dir, "q.manifest.json");
      await encodeQueriesStage(
        { hasher: await Hasher.open(), log: createLogger({ quiet: true }), force: false, threads: 1 },
        { queries: loaded.queries, encoder: loaded.encoder, out: join(dir, "q.npy"), manifest },
        loaded.stages.encode,
      );
      const recorded = JSON.parse(await readFile(manifest, "utf8"));
      expect(recorded.device).toBe("cpu");
      expect(Object.keys(recorded)).toEqual(["stage", "inputs", "params", "packages", "device", "outputs"]);
    });
  });
});
