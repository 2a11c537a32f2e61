import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative } from "node:path";
import type { ProgressEvent } from "@xqg/core";
import { fixtureDir, goldens } from "@xqg/fixtures";
import { withTempDir } from "@xqg/test-utils";
import { Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { hubCacheDir, hubSettings } from "../src/hub-cache.js";
import {
  createSession,
  describeModel,
  ensureModel,
  isModelId,
  loadTokenizer,
  ModelError,
} from "../src/index.js";
import { resolveModel } from "../src/resolve.js";
import {
  bytesOf,
  deadEndpoint,
  type FakeRepo,
  gitBlobId,
  isLfs,
  sha256,
  silentEndpoint,
  startFakeHub,
} from "./fake-hub.js";

const BERT = fixtureDir("tiny-bert");
const SHA = "0123456789abcdef0123456789abcdef01234567";
const ID = "xqg-test/tiny-bert";
const read = (file: string) => readFileSync(join(BERT, file));

/** tiny-bert as a transformers.js-style repository: graphs under onnx/, plus files that must not be fetched. */
const TINY_BERT: FakeRepo = {
  id: ID,
  sha: SHA,
  files: {
    ".gitattributes": "*.onnx filter=lfs diff=lfs merge=lfs -text\n",
    "README.md": "# tiny-bert\n",
    "config.json": read("config.json"),
    "tokenizer.json": read("tokenizer.json"),
    "tokenizer_config.json": '{"do_lower_case": false}\n',
    "special_tokens_map.json": '{"cls_token": "[CLS]"}\n',
    "onnx/model.onnx": read("model.onnx"),
    "onnx/model.onnx_data": "external weights of model.onnx\n",
    "onnx/model_quantized.onnx": "a quantised graph nobody asked for\n",
    "onnx/model_quantized.onnx_data": "its external weights\n",
    "pytorch_model.bin": "PyTorch weights\n",
  },
};
const FETCHED = [
  "config.json",
  "onnx/model.onnx",
  "onnx/model.onnx_data",
  "special_tokens_map.json",
  "tokenizer.json",
  "tokenizer_config.json",
];

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

async function rejection(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ModelError) return error;
    throw error;
  }
  throw new Error("expected a ModelError");
}

/** A hub cache holding tiny-bert's snapshot the way huggingface_hub leaves it (refs/main, snapshots/<sha>/). */
function cacheWithTinyBert(cache: string, sha = SHA): string {
  const repo = join(cache, "models--xqg-test--tiny-bert");
  mkdirSync(join(repo, "refs"), { recursive: true });
  writeFileSync(join(repo, "refs", "main"), sha);
  const snapshot = join(repo, "snapshots", sha);
  mkdirSync(join(snapshot, "onnx"), { recursive: true });
  for (const file of ["config.json", "tokenizer.json"]) cpSync(join(BERT, file), join(snapshot, file));
  cpSync(join(BERT, "model.onnx"), join(snapshot, "onnx", "model.onnx"));
  return snapshot;
}

const int64 = (rows: number[]) => BigInt64Array.from(rows, (v) => BigInt(v));

describe("isModelId and the cache folder", () => {
  it("takes org/name as an id and never a path", () => {
    for (const id of [
      "ielabgroup/bert-base-multilingual-cased-xor-tydi",
      "Xenova/t5-small",
      "models/xdr-mbert",
    ])
      expect(isModelId(id), id).toBe(true);
    for (const path of ["./a/b", "../a/b", "/a/b", "a/b/c", "a", "a/", "a--b/c", "a/b..c", "a/.b", "a/b."])
      expect(isModelId(path), path).toBe(false);
  });

  it("follows huggingface_hub: HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME or ~/.cache", () => {
    expect(hubCacheDir({ HF_HUB_CACHE: "/c/hub", HF_HOME: "/h" })).toBe("/c/hub");
    expect(hubCacheDir({ HF_HOME: "/h" })).toBe("/h/hub");
    expect(hubCacheDir({ XDG_CACHE_HOME: "/x" })).toBe("/x/huggingface/hub");
    expect(hubCacheDir({})).toBe(join(homedir(), ".cache", "huggingface", "hub"));
    expect(hubSettings({ env: {} })).toEqual({
      revision: "main",
      cacheDir: join(homedir(), ".cache", "huggingface", "hub"),
      endpoint: "https://huggingface.co",
      token: undefined,
      offline: false,
      timeout: 10,
    });
    const env = {
      HF_ENDPOINT: "http://127.0.0.1:9/",
      HF_TOKEN: "t",
      HF_HUB_OFFLINE: "1",
      HF_HUB_CACHE: "/c",
    };
    expect(hubSettings({ env })).toMatchObject({ endpoint: "http://127.0.0.1:9", token: "t", offline: true });
    expect(hubSettings({ env: { HF_HUB_OFFLINE: "0" } }).offline).toBe(false);
    expect(hubSettings({ env: { HF_HUB_DOWNLOAD_TIMEOUT: "2.5" } }).timeout).toBe(2.5);
    expect(() => hubSettings({ env: { HF_HUB_DOWNLOAD_TIMEOUT: "soon" } })).toThrow(
      'the hub timeout (HF_HUB_DOWNLOAD_TIMEOUT) must be a positive number of seconds, got "soon"',
    );
    expect(() => hubSettings({ revision: "../x" })).toThrow(ModelError);
  });
});

describe("a model given by Hugging Face id", () => {
  it("an existing local directory wins over the cache and the hub", () =>
    withTempDir(async (dir) => {
      const cache = join(dir, "cache");
      cacheWithTinyBert(cache);
      const hub = await startFakeHub([TINY_BERT]);
      const before = process.cwd();
      try {
        mkdirSync(join(dir, "xqg-test", "tiny-bert"), { recursive: true });
        for (const file of ["config.json", "tokenizer.json", "model.onnx"])
          cpSync(join(BERT, file), join(dir, "xqg-test", "tiny-bert", file));
        process.chdir(dir);
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint };
        const local = join(dir, "xqg-test", "tiny-bert");
        expect(resolveModel(ID, { hub: { env } }).model).toBe(join(local, "model.onnx"));
        expect((await ensureModel(ID, { hub: { env } })).model).toBe(join(local, "model.onnx"));
        expect(hub.requests).toEqual([]);
      } finally {
        process.chdir(before);
        await hub.close();
      }
    }));

  it("uses the cached snapshot without asking the hub (resolveModel and ensureModel, from HF_HUB_CACHE)", () =>
    withTempDir(async (cache) => {
      const snapshot = cacheWithTinyBert(cache);
      const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: await deadEndpoint() };
      const expected = {
        dir: snapshot,
        task: "encoder",
        config: join(snapshot, "config.json"),
        tokenizer: join(snapshot, "tokenizer.json"),
        model: join(snapshot, "onnx", "model.onnx"),
      };
      expect(resolveModel(ID, { hub: { env } })).toEqual(expected);
      expect(await ensureModel(ID, { task: "encoder", hub: { env } })).toEqual(expected);
      expect(await ensureModel(ID, { hub: { env: { ...env, HF_HUB_OFFLINE: "1" } } })).toEqual(expected);
      // a commit sha names its snapshot directly; HF_HOME/hub is the cache when HF_HUB_CACHE is unset
      expect(resolveModel(ID, { hub: { cacheDir: cache, revision: SHA } }).dir).toBe(snapshot);
      expect((await describeModel(ID, { hub: { env } })).id).toBe(ID);
    }));

  it("HF_HOME/hub is searched when HF_HUB_CACHE is unset; a miss names what was looked for", () =>
    withTempDir(async (home) => {
      const snapshot = cacheWithTinyBert(join(home, "hub"));
      expect(resolveModel(ID, { hub: { env: { HF_HOME: home } } }).dir).toBe(snapshot);
      const missing = join(process.cwd(), "xqg-test", "nope");
      expect(() => resolveModel("xqg-test/nope", { hub: { env: { HF_HOME: home } } })).toThrow(
        `xqg-test/nope: no model directory ${missing}, and no snapshot of xqg-test/nope@main in the Hugging Face ` +
          `cache (${join(home, "hub", "models--xqg-test--nope", "refs", "main")})`,
      );
    }));

  it("downloads only the graphs asked for, their external data, the tokenizer and configs, in the hub's layout", () =>
    withTempDir(async (cache) => {
      const hub = await startFakeHub([TINY_BERT]);
      const seen: ProgressEvent[] = [];
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint };
        const files = await ensureModel(ID, {
          task: "encoder",
          hub: { env },
          onProgress: (event) => seen.push(event),
        });
        const repo = join(cache, "models--xqg-test--tiny-bert");
        const snapshot = join(repo, "snapshots", SHA);
        const blobName = (path: string) => {
          const data = bytesOf(TINY_BERT.files[path]!);
          return isLfs(path) ? sha256(data) : gitBlobId(data);
        };
        expect(tree(cache)).toEqual(
          [
            ...FETCHED.map((path) => `models--xqg-test--tiny-bert/blobs/${blobName(path)}`),
            "models--xqg-test--tiny-bert/refs/main",
            ...FETCHED.map((path) => `models--xqg-test--tiny-bert/snapshots/${SHA}/${path}`),
          ].sort(),
        );
        expect(readFileSync(join(repo, "refs", "main"), "utf8")).toBe(SHA);
        for (const path of FETCHED) {
          const file = join(snapshot, path);
          expect(readFileSync(file).equals(Buffer.from(bytesOf(TINY_BERT.files[path]!))), path).toBe(true);
          // the snapshot file is a hard link to its blob
          expect(statSync(file).ino, path).toBe(statSync(join(repo, "blobs", blobName(path))).ino);
        }
        // each file: one event before its first byte, one every MiB, one after its last byte
        const PROGRESS_BYTES = 1 << 20;
        expect(seen.filter((e) => e.done === 0 || e.done === e.total)).toEqual(
          FETCHED.flatMap((file) => {
            const total = bytesOf(TINY_BERT.files[file]!).length;
            return [0, total].map((done) => ({ unit: "bytes", task: "download", file, done, total }));
          }),
        );
        for (const [i, event] of seen.entries()) {
          if (event.done === 0 || event.done === event.total) continue;
          const previous = seen[i - 1]!;
          expect(previous.unit === "bytes" && event.unit === "bytes" && previous.file === event.file).toBe(
            true,
          );
          expect(event.done - previous.done).toBeGreaterThanOrEqual(PROGRESS_BYTES);
        }
        expect(seen.length).toBeLessThanOrEqual(2 * FETCHED.length + 1); // model.onnx_data: 1.8 MB
        expect(files).toEqual({
          dir: snapshot,
          task: "encoder",
          config: join(snapshot, "config.json"),
          tokenizer: join(snapshot, "tokenizer.json"),
          model: join(snapshot, "onnx", "model.onnx"),
        });
        expect(hub.requests.map((r) => r.path)).toEqual([
          `/api/models/${ID}/revision/main`,
          ...FETCHED.flatMap((path) => {
            const resolve = `/${ID}/resolve/${SHA}/${path}`;
            return isLfs(path) ? [resolve, `/lfs/${blobName(path)}`] : [resolve];
          }),
        ]);
        expect(hub.requests.every((r) => r.authorization === undefined)).toBe(true);

        // the downloaded encoder gives the fixture's PyTorch goldens
        const golden = await goldens("tiny-bert");
        const tokenizer = await loadTokenizer(files.tokenizer);
        const { text, input_ids, values } = golden.last_hidden_state;
        expect(tokenizer.encode(text).ids).toEqual(input_ids);
        const session = await createSession(files.model!, { threads: 1 });
        const shape = [1, input_ids.length];
        const out = await session.run({
          input_ids: new Tensor("int64", int64(input_ids), shape),
          attention_mask: new Tensor("int64", int64(input_ids.map(() => 1)), shape),
          token_type_ids: new Tensor("int64", int64(input_ids.map(() => 0)), shape),
        });
        await session.release();
        const hidden = out["last_hidden_state"]!.data as Float32Array;
        const worst = values.flat().reduce((w, v, i) => Math.max(w, Math.abs(v - hidden[i]!)), 0);
        expect(worst).toBeLessThan(1e-4);

        // now a cache hit: no more requests, even with the hub gone
        const count = hub.requests.length;
        expect(await ensureModel(ID, { hub: { env } })).toEqual(files);
        expect(hub.requests.length).toBe(count);
      } finally {
        await hub.close();
      }
    }));

  it("sends HF_TOKEN as a bearer token with every request", () =>
    withTempDir(async (cache) => {
      const hub = await startFakeHub([TINY_BERT]);
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint, HF_TOKEN: "hf_secret" };
        await ensureModel(ID, { hub: { env } });
        expect(hub.requests.length).toBe(1 + FETCHED.length + FETCHED.filter(isLfs).length);
        expect(new Set(hub.requests.map((r) => r.authorization))).toEqual(new Set(["Bearer hf_secret"]));
      } finally {
        await hub.close();
      }
    }));

  it("HF_HUB_OFFLINE=1 never touches the network and names what was looked for", () =>
    withTempDir(async (cache) => {
      const hub = await startFakeHub([TINY_BERT]);
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint, HF_HUB_OFFLINE: "1" };
        const error = await rejection(ensureModel(ID, { hub: { env } }));
        expect(error.code).toBe("missing-file");
        expect(error.message).toBe(
          `${ID}: no model directory ${join(process.cwd(), ID)}, and no snapshot of ${ID}@main in the Hugging ` +
            `Face cache (${join(cache, "models--xqg-test--tiny-bert", "refs", "main")}); offline (HF_HUB_OFFLINE), ` +
            "so the hub was not asked",
        );
        expect(hub.requests).toEqual([]);
        expect(readdirSync(cache)).toEqual([]);
      } finally {
        await hub.close();
      }
    }));

  it("a repository with PyTorch weights only gets the optimum-cli command that exports it", () =>
    withTempDir(async (cache) => {
      const pytorch = (id: string, files: FakeRepo["files"], config?: Record<string, unknown>): FakeRepo => ({
        id,
        sha: "89abcdef0123456789abcdef0123456789abcdef",
        files: { "README.md": "weights\n", ...files },
        ...(config ? { config } : {}),
      });
      const hub = await startFakeHub([
        // the hub's listing summarises config.json (architectures, model_type)
        pytorch(
          "ielabgroup/bert-base-multilingual-cased-xor-tydi",
          { "config.json": "{}", "pytorch_model.bin": "w", "vocab.txt": "[PAD]\n" },
          { architectures: ["BertModel"], model_type: "bert" },
        ),
        // no summary: config.json itself is read
        pytorch("ielabgroup/xor-tydi-docTquery-mt5-base", {
          "config.json": JSON.stringify({
            architectures: ["MT5ForConditionalGeneration"],
            model_type: "mt5",
          }),
          "pytorch_model.bin": "w",
          "spiece.model": "sp",
        }),
        pytorch("someone/weights-no-config", { "model.safetensors": "w" }),
        pytorch("someone/nothing", { "notes.txt": "n" }),
      ]);
      try {
        const hubOpts = { env: { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint } };
        const message = async (id: string, task?: "encoder" | "seq2seq") => {
          const error = await rejection(ensureModel(id, { hub: hubOpts, ...(task ? { task } : {}) }));
          expect(error.code).toBe("no-onnx");
          return error.message;
        };
        expect(await message("ielabgroup/bert-base-multilingual-cased-xor-tydi", "encoder")).toBe(
          "ielabgroup/bert-base-multilingual-cased-xor-tydi has PyTorch weights only (pytorch_model.bin), no ONNX " +
            "graphs; export them once with `optimum-cli export onnx --model ielabgroup/bert-base-multilingual-cased-" +
            "xor-tydi --task feature-extraction models/bert-base-multilingual-cased-xor-tydi` (pip install " +
            "optimum-onnx) and give that directory instead",
        );
        expect(await message("ielabgroup/xor-tydi-docTquery-mt5-base")).toBe(
          "ielabgroup/xor-tydi-docTquery-mt5-base has PyTorch weights only (pytorch_model.bin), no ONNX graphs; " +
            "export them once with `optimum-cli export onnx --model ielabgroup/xor-tydi-docTquery-mt5-base --task " +
            "text2text-generation-with-past models/xor-tydi-docTquery-mt5-base` (pip install optimum-onnx) and " +
            "give that directory instead",
        );
        expect(await message("someone/weights-no-config")).toBe(
          "someone/weights-no-config has PyTorch weights only (model.safetensors), no ONNX graphs; export them " +
            "once with `optimum-cli export onnx --model someone/weights-no-config --task feature-extraction " +
            "models/weights-no-config` (an encoder) or `optimum-cli export onnx --model someone/weights-no-config " +
            "--task text2text-generation-with-past models/weights-no-config` (a seq2seq generator) (pip install " +
            "optimum-onnx) and give that directory instead",
        );
        expect(await message("someone/weights-no-config", "seq2seq")).toContain(
          "with `optimum-cli export onnx --model someone/weights-no-config --task text2text-generation-with-past " +
            "models/weights-no-config` (pip",
        );
        expect(await message("someone/nothing")).toBe(
          "someone/nothing@main has no ONNX graphs (onnx/*.onnx or *.onnx) and no PyTorch weights to export",
        );
        expect(readdirSync(cache)).toEqual([]);
      } finally {
        await hub.close();
      }
    }));

  it("a signal aborted mid-download rejects with AbortError and leaves no file of that download", () =>
    withTempDir(async (cache) => {
      const hub = await startFakeHub([TINY_BERT]);
      const controller = new AbortController();
      const events: string[] = [];
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint };
        const error = await ensureModel(ID, {
          hub: { env },
          signal: controller.signal,
          onProgress: (event) => {
            events.push(`${event.unit === "bytes" ? event.file : ""} ${event.done}`);
            if (event.unit === "bytes" && event.file === "onnx/model.onnx") controller.abort();
          },
        }).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.name).toBe("AbortError");
        expect(events).toEqual([
          "config.json 0",
          `config.json ${bytesOf(TINY_BERT.files["config.json"]!).length}`,
          "onnx/model.onnx 0",
        ]);
        const repo = "models--xqg-test--tiny-bert";
        expect(tree(cache)).toEqual(
          ["config.json"].flatMap((path) => [
            `${repo}/blobs/${gitBlobId(bytesOf(TINY_BERT.files[path]!))}`,
            `${repo}/snapshots/${SHA}/${path}`,
          ]),
        );
        // an aborted signal stops the call before it asks the hub
        const before = hub.requests.length;
        await expect(ensureModel(ID, { hub: { env }, signal: AbortSignal.abort() })).rejects.toThrow(
          expect.objectContaining({ name: "AbortError" }),
        );
        expect(hub.requests.length).toBe(before);
      } finally {
        await hub.close();
      }
    }));

  it("a download that stalls after its headers times out (HF_HUB_DOWNLOAD_TIMEOUT covers the body), keeping nothing", () =>
    withTempDir(async (cache) => {
      const stalled = await startFakeHub([TINY_BERT], { stall: ["onnx/model.onnx"] });
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: stalled.endpoint, HF_HUB_DOWNLOAD_TIMEOUT: "0.3" };
        const started = performance.now();
        const error = await rejection(ensureModel(ID, { hub: { env } }));
        expect(performance.now() - started).toBeLessThan(10_000);
        expect(error.code).toBe("hub-error");
        expect(error.message).toBe(
          `${ID}: downloading onnx/model.onnx from ${stalled.endpoint}/${ID}/resolve/${SHA}/onnx/model.onnx ` +
            "failed: no data for 0.3 s; nothing was kept",
        );
        expect(tree(cache).filter((f) => f.includes("blobs/") && !f.endsWith("/"))).toEqual(
          tree(cache).filter((f) => f.includes("blobs/") && !f.endsWith("/") && !f.includes(".tmp")),
        );
      } finally {
        await stalled.close();
      }
    }));

  it("a connection dropped in the middle of a file leaves no file of it in the cache; the next run resumes", () =>
    withTempDir(async (cache) => {
      const env = { HF_HUB_CACHE: cache };
      const broken = await startFakeHub([TINY_BERT], { drop: ["onnx/model.onnx"] });
      try {
        const error = await rejection(
          ensureModel(ID, { hub: { env: { ...env, HF_ENDPOINT: broken.endpoint } } }),
        );
        expect(error.code).toBe("hub-error");
        expect(error.message).toMatch(
          new RegExp(
            `^${ID}: downloading onnx/model.onnx from ${broken.endpoint}/${ID}/resolve/${SHA}/onnx/model.onnx ` +
              "failed: other side closed; nothing was kept$",
          ),
        );
      } finally {
        await broken.close();
      }
      const left = tree(cache);
      const repo = "models--xqg-test--tiny-bert";
      // the files before it are complete; of model.onnx there is neither a blob, a snapshot file nor a temp file
      expect(left).toEqual(
        ["config.json"].flatMap((path) => [
          `${repo}/blobs/${gitBlobId(bytesOf(TINY_BERT.files[path]!))}`,
          `${repo}/snapshots/${SHA}/${path}`,
        ]),
      );
      expect(() => resolveModel(ID, { hub: { env } })).toThrow(/no snapshot of xqg-test\/tiny-bert@main/);

      const hub = await startFakeHub([TINY_BERT]);
      try {
        const files = await ensureModel(ID, { hub: { env: { ...env, HF_ENDPOINT: hub.endpoint } } });
        expect(files.model).toBe(join(cache, repo, "snapshots", SHA, "onnx", "model.onnx"));
        expect(hub.requests.some((r) => r.path.endsWith("/config.json"))).toBe(false);
        expect(tree(join(cache, repo, "snapshots", SHA))).toEqual(FETCHED);
      } finally {
        await hub.close();
      }
    }));

  it("a file whose bytes differ from the listed digest (LFS SHA-256, git blob id) is discarded", () =>
    withTempDir(async (cache) => {
      const env = { HF_HUB_CACHE: cache };
      const changed = (path: string) => {
        const data = bytesOf(TINY_BERT.files[path]!);
        return { data, bad: Buffer.from(data).fill(0x2a, data.length - 1) };
      };
      const url = (endpoint: string, path: string) => `${endpoint}/${ID}/resolve/${SHA}/${path}`;
      for (const [path, problem] of [
        [
          "onnx/model.onnx",
          ({ data, bad }: ReturnType<typeof changed>) =>
            `its SHA-256 is ${sha256(bad)}, the hub lists ${sha256(data)}`,
        ],
        [
          "tokenizer.json",
          ({ data, bad }: ReturnType<typeof changed>) =>
            `its git blob id is ${gitBlobId(bad)}, the hub lists ${gitBlobId(data)}`,
        ],
      ] as const) {
        const hub = await startFakeHub([TINY_BERT], { corrupt: [path] });
        try {
          const error = await rejection(
            ensureModel(ID, { hub: { env: { ...env, HF_ENDPOINT: hub.endpoint } } }),
          );
          expect(error.code).toBe("hub-error");
          expect(error.message).toBe(
            `${ID}: downloading ${path} from ${url(hub.endpoint, path)} failed: ${problem(changed(path))}; ` +
              "nothing was kept",
          );
          const blob = isLfs(path) ? sha256(changed(path).data) : gitBlobId(changed(path).data);
          expect(
            tree(cache).filter((f) => f.endsWith(path) || f.endsWith(blob) || f.endsWith(".tmp")),
          ).toEqual([]);
        } finally {
          await hub.close();
        }
      }
    }));

  it("seq2seq: the merged decoder when present, the split form when asked, spiece.model and generation config", () =>
    withTempDir(async (cache) => {
      const repo: FakeRepo = {
        id: "xqg-test/tiny-mt5",
        sha: "fedcba9876543210fedcba9876543210fedcba98",
        files: {
          "config.json": "{}",
          "generation_config.json": "{}",
          "tokenizer.json": "{}",
          "spiece.model": "sp",
          "onnx/encoder_model.onnx": "e",
          "onnx/decoder_model_merged.onnx": "m",
          "onnx/decoder_model_merged.onnx_data": "md",
          "onnx/decoder_model.onnx": "d",
          "onnx/decoder_with_past_model.onnx": "p",
          "onnx/encoder_model_quantized.onnx": "q",
        },
      };
      const hub = await startFakeHub([repo]);
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint };
        const files = await ensureModel(repo.id, { task: "seq2seq", hub: { env } });
        const snapshot = join(cache, "models--xqg-test--tiny-mt5", "snapshots", repo.sha);
        expect(files.dir).toBe(snapshot);
        expect(tree(snapshot)).toEqual([
          "config.json",
          "generation_config.json",
          "onnx/decoder_model_merged.onnx",
          "onnx/decoder_model_merged.onnx_data",
          "onnx/encoder_model.onnx",
          "spiece.model",
          "tokenizer.json",
        ]);
        const split = await ensureModel(repo.id, { task: "seq2seq", decoder: "split", hub: { env } });
        expect([split.decoder, split.decoderWithPast]).toEqual([
          join(snapshot, "onnx", "decoder_model.onnx"),
          join(snapshot, "onnx", "decoder_with_past_model.onnx"),
        ]);
        const error = await rejection(
          ensureModel(repo.id, { task: "encoder", hub: { env, revision: repo.sha } }),
        );
        expect(error.message).toBe(
          `xqg-test/tiny-mt5@${repo.sha}: model.onnx not found; an encoder is expected as model.onnx or ` +
            "onnx/model.onnx in the repository; graphs present: onnx/decoder_model.onnx, " +
            "onnx/decoder_model_merged.onnx, onnx/decoder_with_past_model.onnx, onnx/encoder_model.onnx, " +
            "onnx/encoder_model_quantized.onnx",
        );
      } finally {
        await hub.close();
      }
    }));

  it("an unknown model, an unknown revision, a silent hub and an unreachable one: one line each", () =>
    withTempDir(async (cache) => {
      const hub = await startFakeHub([TINY_BERT]);
      const looked = (id: string, revision = "main") =>
        `${id}: no model directory ${join(process.cwd(), id)}, and no snapshot of ${id}@${revision} in the ` +
        `Hugging Face cache (${join(cache, `models--${id.replace("/", "--")}`, "refs", revision)})`;
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint };
        expect((await rejection(ensureModel("xqg-test/missing", { hub: { env } }))).message).toBe(
          `${looked("xqg-test/missing")}; ${hub.endpoint} has no model xqg-test/missing (HTTP 404)`,
        );
        expect((await rejection(ensureModel(ID, { hub: { env, revision: "v2" } }))).message).toBe(
          `${looked(ID, "v2")}; ${hub.endpoint} has no revision v2 of ${ID} (HTTP 404)`,
        );
      } finally {
        await hub.close();
      }
      const silent = await silentEndpoint();
      try {
        const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: silent.endpoint, HF_HUB_DOWNLOAD_TIMEOUT: "0.2" };
        expect((await rejection(ensureModel(ID, { hub: { env } }))).message).toBe(
          `${looked(ID)}; ${silent.endpoint} could not be reached (no answer within 0.2 s)`,
        );
      } finally {
        await silent.close();
      }
      const dead = await deadEndpoint();
      const error = await rejection(
        ensureModel(ID, { hub: { env: { HF_HUB_CACHE: cache, HF_ENDPOINT: dead } } }),
      );
      expect(error.code).toBe("hub-error");
      expect(error.message).toBe(`${looked(ID)}; ${dead} could not be reached (ECONNREFUSED)`);
    }));
});
