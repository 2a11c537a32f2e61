import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isCudaAvailable } from "@xqg/models";
import { createLogger, loadConfig, openStageEnv, parseConfig, stages } from "@xqg/pipeline";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, writeTestConfig, xqg } from "./helpers.js";

const base = `corpus: c.jsonl\nqueries: q.jsonl\nencoder: enc\ngenerator: gen\n`;

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
      const loaded = await loadConfig(config);
      const manifest = join(dir, "q.manifest.json");
      await stages.encodeQueriesStage(
        await openStageEnv({ log: createLogger({ quiet: true }), threads: 1 }),
        { queries: loaded.queries, encoder: loaded.encoder, out: join(dir, "q.npy"), manifest },
        loaded.stages.encode,
      );
      const recorded = JSON.parse(await readFile(manifest, "utf8"));
      expect(recorded.device).toBe("cpu");
      expect(Object.keys(recorded)).toEqual(["stage", "inputs", "params", "packages", "device", "outputs"]);
    });
  });
});
