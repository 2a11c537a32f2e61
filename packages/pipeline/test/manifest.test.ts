import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { Hasher } from "../src/hash.js";
import {
  migrateParams,
  PARAM_MIGRATIONS,
  type PreviousRun,
  packageVersions,
  runStage,
  type StageSpec,
} from "../src/manifest.js";
import { createLogger } from "../src/progress.js";

async function stage(dir: string, params: unknown, content: string, force = false, name = "demo") {
  const input = join(dir, "in.txt");
  const out = join(dir, "out", "result.txt");
  const spec: StageSpec = {
    stage: name,
    manifest: join(dir, "manifests", "demo.json"),
    inputs: { source: input },
    params,
    packages: ["@xqg/corpus"],
    outputs: [out],
  };
  const ctx = { hasher: await Hasher.open(), log: createLogger({ quiet: true }), force };
  let calls = 0;
  const status = await runStage(ctx, spec, async (staged) => {
    calls++;
    await writeFile(staged(out), `${content}:${await readFile(input, "utf8")}`);
  });
  return { status, calls, out };
}

describe("runStage", () => {
  it("hands the previous run to a unit whose reusable inputs (several roles) alone changed", async () => {
    await withTempDir(async (dir) => {
      const [a, b, c] = ["a.txt", "b.txt", "c.txt"].map((name) => join(dir, name)) as [
        string,
        string,
        string,
      ];
      const out = join(dir, "out", "result.txt");
      const run = async (params: unknown) => {
        const spec: StageSpec = {
          stage: "two",
          manifest: join(dir, "manifests", "two.json"),
          inputs: { a, b, c },
          params,
          packages: [],
          outputs: [out],
          reusable: ["a", "b"],
        };
        const ctx = { hasher: await Hasher.open(), log: createLogger({ quiet: true }), force: false };
        let seen: PreviousRun | undefined | "none" = "none";
        await runStage(ctx, spec, async (staged, previous) => {
          seen = previous;
          await writeFile(staged(out), "x");
        });
        return seen as PreviousRun | undefined | "none";
      };
      for (const file of [a, b, c]) await writeFile(file, "1");
      expect(await run({ k: 1 })).toBeUndefined();
      await writeFile(a, "2");
      await writeFile(b, "2");
      const both = await run({ k: 1 });
      expect(both).toEqual({ sameInput: false, outputs: new Set([out]) });
      // another input changed too, or a setting: no previous run to build on
      await writeFile(a, "3");
      await writeFile(c, "3");
      expect(await run({ k: 1 })).toBeUndefined();
      await writeFile(b, "4");
      expect(await run({ k: 2 })).toBeUndefined();
    });
  });

  it("runs once, then skips while inputs, parameters and outputs match", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "in.txt"), "a");
      const first = await stage(dir, { k: 1 }, "x");
      expect(first.status).toBe("ran");
      expect(await readFile(first.out, "utf8")).toBe("x:a");
      expect((await stage(dir, { k: 1 }, "y")).status).toBe("skipped");
      expect(await readFile(first.out, "utf8")).toBe("x:a");
      // nothing left behind but the output and the manifest
      expect(await readdir(join(dir, "out"))).toEqual(["result.txt"]);
      const manifest = JSON.parse(await readFile(join(dir, "manifests", "demo.json"), "utf8"));
      expect(manifest.stage).toBe("demo");
      expect(manifest.inputs.source.path).toBe("../in.txt");
      expect(manifest.params).toEqual({ k: 1 });
      expect(Object.keys(manifest.packages)).toEqual(["@xqg/corpus", "@xqg/pipeline"]);
      expect(Object.keys(manifest.outputs)).toEqual(["../out/result.txt"]);
    });
  });

  it("runs again when a parameter, an input or an output changes, or when forced", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "in.txt"), "a");
      await stage(dir, { k: 1 }, "x");
      expect((await stage(dir, { k: 2 }, "x")).status).toBe("ran");
      await writeFile(join(dir, "in.txt"), "b");
      const changed = await stage(dir, { k: 2 }, "x");
      expect(changed.status).toBe("ran");
      expect(await readFile(changed.out, "utf8")).toBe("x:b");
      await writeFile(changed.out, "tampered");
      expect((await stage(dir, { k: 2 }, "x")).status).toBe("ran");
      expect((await stage(dir, { k: 2 }, "x", true)).status).toBe("ran");
      expect((await stage(dir, { k: 2 }, "x")).status).toBe("skipped");
    });
  });

  it.each([
    ["fails", new Error("boom")],
    ["is aborted", new DOMException("This operation was aborted", "AbortError")],
  ])("leaves the previous state alone, and no staging, when the stage %s", async (_how, thrown) => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "in.txt"), "a");
      const spec: StageSpec = {
        stage: "demo",
        manifest: join(dir, "m.json"),
        inputs: { source: join(dir, "in.txt") },
        params: {},
        packages: [],
        outputs: [join(dir, "o.txt")],
      };
      const ctx = { hasher: await Hasher.open(), log: createLogger({ quiet: true }), force: false };
      await expect(
        runStage(ctx, spec, async (staged) => {
          await writeFile(staged(join(dir, "o.txt")), "half");
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      expect((await readdir(dir)).sort()).toEqual(["in.txt"]);
    });
  });
});

describe("renamed setting values in recorded params", () => {
  it("every migration maps old values to new ones, in that stage and key only", () => {
    for (const { stage, key, values } of PARAM_MIGRATIONS)
      for (const [old, current] of Object.entries(values)) {
        expect(migrateParams(stage, { [key]: old, other: 1 })).toEqual({ [key]: current, other: 1 });
        expect(migrateParams(stage, { [key]: current })).toEqual({ [key]: current });
        expect(migrateParams(`not-${stage}`, { [key]: old })).toEqual({ [key]: old });
      }
    expect(migrateParams("index", { dtype: "f16", metric: "ip" })).toEqual({
      dtype: "float16",
      metric: "ip",
    });
    expect(migrateParams("index", ["f16"])).toEqual(["f16"]);
    expect(migrateParams("index", undefined)).toBeUndefined();
  });

  it("an index unit recorded with dtype f16 is up to date for dtype float16, and stale for float32", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "in.txt"), "a");
      const params = { dtype: "float16", metric: "ip", connectivity: 0, expansionAdd: 0, expansionSearch: 0 };
      expect((await stage(dir, params, "x", false, "index")).status).toBe("ran");
      // the manifest as a runner before the rename wrote it
      const path = join(dir, "manifests", "demo.json");
      const manifest = JSON.parse(await readFile(path, "utf8"));
      await writeFile(path, JSON.stringify({ ...manifest, params: { ...params, dtype: "f16" } }));
      expect((await stage(dir, params, "y", false, "index")).status).toBe("skipped");
      expect((await stage(dir, { ...params, dtype: "float32" }, "y", false, "index")).status).toBe("ran");
    });
  });
});

describe("native runtimes in manifests", () => {
  async function unit(dir: string) {
    await writeFile(join(dir, "in.txt"), "x");
    const out = join(dir, "out.txt");
    const spec: StageSpec = {
      stage: "demo",
      manifest: join(dir, "manifests", "demo.json"),
      inputs: { source: join(dir, "in.txt") },
      params: {},
      packages: ["@xqg/models", "@xqg/ann"],
      outputs: [out],
    };
    const lines: string[] = [];
    const log = { ...createLogger({ quiet: true }), info: (m: string) => lines.push(m) };
    const ctx = { hasher: await Hasher.open(), log, force: false };
    const run = () => runStage(ctx, spec, async (staged) => writeFile(staged(out), "y"));
    return { spec, run, lines };
  }

  it("records onnxruntime-node, the tokenizers library and usearch beside the packages that load them", async () => {
    await withTempDir(async (dir) => {
      const { spec, run } = await unit(dir);
      await run();
      const packages = JSON.parse(await readFile(spec.manifest, "utf8")).packages as Record<string, string>;
      expect(Object.keys(packages)).toEqual([
        "@huggingface/tokenizers",
        "@xqg/ann",
        "@xqg/models",
        "@xqg/pipeline",
        "onnxruntime-node",
        "usearch",
      ]);
      expect(packages["onnxruntime-node"]).toMatch(/^\d+\.\d+\.\d+/);
      expect(packageVersions(["@xqg/ann"])["usearch"]).toBe(packages["usearch"]);
    });
  });

  it("a unit made with another ONNX Runtime is out of date, and says so", async () => {
    await withTempDir(async (dir) => {
      const { spec, run, lines } = await unit(dir);
      await run();
      const manifest = JSON.parse(await readFile(spec.manifest, "utf8"));
      const today = manifest.packages["onnxruntime-node"];
      manifest.packages["onnxruntime-node"] = "1.0.0";
      await writeFile(spec.manifest, JSON.stringify(manifest));
      expect(await run()).toBe("ran");
      expect(lines.find((l) => l.includes("out of date"))).toMatch(
        `demo: out of date: onnxruntime-node changed (1.0.0 → ${today})`,
      );
    });
  });

  it("a manifest from before runtimes were recorded stays up to date", async () => {
    await withTempDir(async (dir) => {
      const { spec, run } = await unit(dir);
      await run();
      const manifest = JSON.parse(await readFile(spec.manifest, "utf8"));
      for (const runtime of ["onnxruntime-node", "@huggingface/tokenizers", "usearch"])
        delete manifest.packages[runtime];
      await writeFile(spec.manifest, JSON.stringify(manifest));
      expect(await run()).toBe("skipped");
    });
  });

  it("a manifest from before the pipeline was a package (its version recorded as xqg's) stays up to date", async () => {
    await withTempDir(async (dir) => {
      const { spec, run, lines } = await unit(dir);
      await run();
      const manifest = JSON.parse(await readFile(spec.manifest, "utf8"));
      const { "@xqg/pipeline": version, ...rest } = manifest.packages;
      await writeFile(spec.manifest, JSON.stringify({ ...manifest, packages: { ...rest, xqg: version } }));
      expect(await run()).toBe("skipped");
      await writeFile(
        spec.manifest,
        JSON.stringify({ ...manifest, packages: { ...rest, xqg: "0.0.0-older" } }),
      );
      expect(await run()).toBe("ran");
      expect(lines.find((l) => l.includes("out of date"))).toMatch(
        `demo: out of date: @xqg/pipeline changed (0.0.0-older → ${version})`,
      );
    });
  });

  it("an input read from another file says so (a moved input), not that its content changed", async () => {
    await withTempDir(async (dir) => {
      const { spec, run, lines } = await unit(dir);
      await run();
      await writeFile(join(dir, "moved.txt"), "x");
      const moved = { ...spec, inputs: { source: join(dir, "moved.txt") } };
      const ctx = {
        hasher: await Hasher.open(),
        log: { ...createLogger({ quiet: true }), info: (m: string) => lines.push(m) },
        force: false,
      };
      expect(await runStage(ctx, moved, async (staged) => writeFile(staged(spec.outputs[0]!), "y"))).toBe(
        "ran",
      );
      expect(lines.find((l) => l.includes("out of date"))).toMatch(
        "demo: out of date: its input source is now ../moved.txt (was ../in.txt)",
      );
    });
  });

  it("reusable roles: a unit stale only because those inputs changed gets its previous run; another change, none", async () => {
    await withTempDir(async (dir) => {
      const [a, b, c] = ["a.txt", "b.txt", "c.txt"].map((f) => join(dir, f)) as [string, string, string];
      const out = join(dir, "out", "result.txt");
      const spec: StageSpec = {
        stage: "demo",
        manifest: join(dir, "manifests", "demo.json"),
        inputs: { generated: a, corpus: b, model: c },
        params: {},
        packages: [],
        outputs: [out],
        reusable: ["generated", "corpus"],
      };
      const ctx = { hasher: await Hasher.open(), log: createLogger({ quiet: true }), force: false };
      const run = async () => {
        let seen: { sameInput: boolean; outputs: string[] } | undefined;
        await runStage(ctx, spec, async (staged, previous) => {
          seen = previous && { sameInput: previous.sameInput, outputs: [...previous.outputs] };
          await writeFile(staged(out), "rows");
        });
        return seen;
      };
      for (const file of [a, b, c]) await writeFile(file, "1");
      expect(await run()).toBeUndefined();
      await writeFile(a, "2");
      await writeFile(b, "2");
      expect(await run()).toEqual({ sameInput: false, outputs: [out] });
      await writeFile(b, "3");
      expect(await run()).toEqual({ sameInput: false, outputs: [out] });
      // a change outside the reusable roles: no previous run to build on
      await writeFile(b, "4");
      await writeFile(c, "2");
      expect(await run()).toBeUndefined();
    });
  });
});
