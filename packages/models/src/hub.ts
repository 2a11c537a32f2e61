import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { copyFile, link, mkdir, rename } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import {
  checkOptions,
  commitTemp,
  discardTemp,
  type LongCallOptions,
  tempPathFor,
  writeFileAtomic,
} from "@xqg/core";
import { ModelError } from "./errors.js";
import {
  type HubSettings,
  hubSettings,
  isCommitSha,
  isModelId,
  repoCacheDir,
  snapshotLocation,
} from "./hub-cache.js";
import {
  GRAPH_FOLDERS,
  isDirectory,
  type ModelFiles,
  type ModelTask,
  type ResolveOptions,
  resolveModelDir,
  variantSuffix,
} from "./resolve.js";

export interface EnsureModelOptions extends ResolveOptions, LongCallOptions {
  /** seq2seq: the decoder graphs to fetch when the repository has both forms; default merged when present. */
  decoder?: "merged" | "split";
}

const ENSURE_KEYS = ["task", "quantized", "variant", "hub", "decoder", "onProgress", "signal"] as const;

/** The files fetched beside the graphs, when the repository has them. */
export const HUB_METADATA_FILES = [
  "config.json",
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "spiece.model",
] as const;

/** optimum-cli's task for each layout this package reads. */
export const EXPORT_TASKS = {
  encoder: "feature-extraction",
  seq2seq: "text2text-generation-with-past",
} as const satisfies Record<ModelTask, string>;

/** A download reports its progress at its start, every this many bytes, and at its end. */
const PROGRESS_BYTES = 1 << 20;

/** One file of a repository as `GET /api/models/{id}/revision/{rev}?blobs=true` lists it. */
interface Sibling {
  rfilename: string;
  size?: number;
  blobId?: string;
  lfs?: { sha256?: string; size?: number };
}

interface Listing {
  sha: string;
  siblings: Sibling[];
  config?: Record<string, unknown>;
}

const WEIGHTS = /(^|\/)(pytorch_model[\w.-]*\.bin|model[\w.-]*\.safetensors)$/;
const SEQ2SEQ_TYPES = new Set([
  "t5",
  "mt5",
  "umt5",
  "bart",
  "mbart",
  "marian",
  "pegasus",
  "m2m_100",
  "longt5",
]);

/**
 * The files of an exported model given as a directory or a Hugging Face id (`org/name`), fetching them when
 * needed. In order: an existing directory wins; then the revision's snapshot in the hub cache (`HF_HUB_CACHE`),
 * when it holds the graphs asked for; then, unless offline (`HF_HUB_OFFLINE`), only the ONNX graphs asked for
 * (with their external data), the tokenizer and the configs are downloaded from `HF_ENDPOINT` into that cache,
 * each file through a temp file and a rename. A repository with PyTorch weights only gets a ModelError with the
 * `optimum-cli` command that exports it.
 */
export async function ensureModel(dirOrId: string, opts: EnsureModelOptions = {}): Promise<ModelFiles> {
  checkOptions(opts, ENSURE_KEYS, "ensureModel");
  const root = resolve(dirOrId);
  if (isDirectory(root) || !isModelId(dirOrId)) return resolveModelDir(root, opts);
  const id = dirOrId;
  const hub = hubSettings(opts.hub);
  const where = snapshotLocation(id, hub);
  let looked = `no model directory ${root}, and no snapshot of ${id}@${hub.revision} in the Hugging Face cache (${where.ref})`;
  if (where.snapshot) {
    try {
      const files = resolveModelDir(where.snapshot, opts);
      if (hasDecoderForm(files, opts.decoder)) return files;
      looked = `no model directory ${root}, and the cached snapshot ${where.snapshot} lacks the ${opts.decoder} decoder`;
    } catch (error) {
      if (!(error instanceof ModelError) || error.code !== "missing-file") throw error;
      looked = `no model directory ${root}, and the cached snapshot lacks a file (${error.message})`;
    }
  }
  if (hub.offline) {
    throw new ModelError(`${id}: ${looked}; offline (HF_HUB_OFFLINE), so the hub was not asked`, {
      code: "missing-file",
      file: root,
    });
  }
  opts.signal?.throwIfAborted();
  const listing = await fetchListing(id, hub, looked, root, opts.signal);
  const wanted = await selectFiles(id, hub, listing, opts);
  const repoDir = repoCacheDir(hub.cacheDir, id);
  const snapshot = join(repoDir, "snapshots", listing.sha);
  for (const sibling of wanted) {
    opts.signal?.throwIfAborted();
    const target = join(snapshot, ...sibling.rfilename.split("/"));
    if (!existsSync(target)) await fetchFile(id, hub, listing.sha, sibling, repoDir, target, opts);
  }
  if (!isCommitSha(hub.revision)) await writeFileAtomic(where.ref, listing.sha);
  return resolveModelDir(snapshot, opts);
}

function hasDecoderForm(files: ModelFiles, form: EnsureModelOptions["decoder"]): boolean {
  if (files.task !== "seq2seq" || form === undefined) return true;
  return form === "merged" ? files.decoderMerged !== undefined : !!(files.decoder && files.decoderWithPast);
}

/**
 * GET with the token. Gives up when no answer (status and headers) comes within the hub timeout, and when the
 * body then stalls: no bytes for the same time (HF_HUB_DOWNLOAD_TIMEOUT covers the whole download, as a
 * watchdog reset by every chunk).
 */
async function request(url: string, hub: HubSettings, signal?: AbortSignal): Promise<Response> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (why: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(why)), hub.timeout * 1000);
    timer.unref();
  };
  arm(`no answer within ${hub.timeout} s`);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: hub.token ? { authorization: `Bearer ${hub.token}` } : {},
      signal: signal ? AbortSignal.any([controller.signal, signal]) : controller.signal,
    });
  } catch (error) {
    clearTimeout(timer);
    signal?.throwIfAborted();
    throw error;
  }
  if (!response.body) {
    clearTimeout(timer);
    return response;
  }
  const stalled = `no data for ${hub.timeout} s`;
  arm(stalled);
  const watched = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        arm(stalled);
        out.enqueue(chunk);
      },
      flush() {
        clearTimeout(timer);
      },
    }),
  );
  return new Response(watched, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

async function fetchListing(
  id: string,
  hub: HubSettings,
  looked: string,
  root: string,
  signal: AbortSignal | undefined,
): Promise<Listing> {
  const url = `${hub.endpoint}/api/models/${id}/revision/${encodeURIComponent(hub.revision)}?blobs=true`;
  const fail = (problem: string, code: "hub-error" | "missing-file" = "hub-error") =>
    new ModelError(`${id}: ${looked}; ${problem}`, { code, file: root });
  let response: Response;
  try {
    response = await request(url, hub, signal);
  } catch (error) {
    signal?.throwIfAborted();
    throw fail(`${hub.endpoint} could not be reached (${causeOf(error)})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const status = `HTTP ${response.status}`;
    const errorCode = response.headers.get("x-error-code");
    if (response.status === 404) {
      throw fail(
        errorCode === "RevisionNotFound"
          ? `${hub.endpoint} has no revision ${hub.revision} of ${id} (${status})`
          : `${hub.endpoint} has no model ${id} (${status})`,
        "missing-file",
      );
    }
    if (response.status === 401) {
      throw fail(
        hub.token
          ? `${hub.endpoint} refused the token (HF_TOKEN) for ${id} (${status})`
          : `${hub.endpoint} refused access to ${id} (${status}): it is private or gated and needs HF_TOKEN, or does not exist`,
      );
    }
    if (response.status === 403) {
      throw fail(`${hub.endpoint} refused access to ${id} (${status}): accept its terms on the hub first`);
    }
    throw fail(`${hub.endpoint} answered ${status} for ${url}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw fail(`${url} did not answer JSON (${causeOf(error)})`);
  }
  const listing = body as Partial<Listing> | null;
  if (
    listing === null ||
    typeof listing !== "object" ||
    typeof listing.sha !== "string" ||
    !isCommitSha(listing.sha) ||
    !Array.isArray(listing.siblings) ||
    !listing.siblings.every((s) => typeof s?.rfilename === "string")
  ) {
    throw fail(`${url} did not answer a model listing (a commit sha and siblings: [{ rfilename }])`);
  }
  return {
    sha: listing.sha,
    siblings: listing.siblings,
    ...(listing.config && typeof listing.config === "object" ? { config: listing.config } : {}),
  };
}

/** The siblings to fetch: the graphs the options ask for, their external data, the tokenizer and configs. */
async function selectFiles(
  id: string,
  hub: HubSettings,
  listing: Listing,
  opts: EnsureModelOptions,
): Promise<Sibling[]> {
  const byName = new Map(listing.siblings.map((s) => [s.rfilename, s]));
  const names = [...byName.keys()];
  const at = `${id}@${hub.revision}`;
  const graphs = names.filter((n) => n.endsWith(".onnx")).sort();
  if (graphs.length === 0) throw await noOnnxError(id, hub, listing, opts);
  const suffix = variantSuffix(opts);
  const present = `; graphs present: ${graphs.join(", ")}`;
  const graphAt = (name: string): string | undefined => {
    for (const folder of GRAPH_FOLDERS) {
      const path = folder ? `${folder}/${name}` : name;
      if (byName.has(path)) return path;
    }
    return undefined;
  };
  const task =
    opts.task ??
    (graphAt(`encoder_model${suffix}.onnx`)
      ? "seq2seq"
      : graphAt(`model${suffix}.onnx`)
        ? "encoder"
        : undefined);
  if (task === undefined) {
    throw new ModelError(
      `${at}: no model${suffix}.onnx (encoder) or encoder_model${suffix}.onnx (seq2seq) in the repository or its ` +
        `onnx/ folder${present}`,
      { code: "missing-file" },
    );
  }
  const need = (name: string, what: string): string => {
    const path = graphAt(name);
    if (path) return path;
    throw new ModelError(
      `${at}: ${name} not found; ${what} is expected as ${name} or onnx/${name} in the repository${present}`,
      { code: "missing-file" },
    );
  };
  const chosen: string[] = [];
  if (task === "encoder") chosen.push(need(`model${suffix}.onnx`, "an encoder"));
  else {
    chosen.push(need(`encoder_model${suffix}.onnx`, "a seq2seq model"));
    const merged = graphAt(`decoder_model_merged${suffix}.onnx`);
    const form = opts.decoder ?? (merged ? "merged" : "split");
    if (form === "merged") chosen.push(need(`decoder_model_merged${suffix}.onnx`, "a merged decoder"));
    else {
      chosen.push(need(`decoder_model${suffix}.onnx`, "a split decoder"));
      chosen.push(need(`decoder_with_past_model${suffix}.onnx`, "a split decoder"));
    }
  }
  for (const [name, hint] of [
    ["config.json", "every exported model has config.json"],
    [
      "tokenizer.json",
      "export the fast tokenizer: tokenizer.save_pretrained or optimum-cli export onnx writes it",
    ],
  ] as const) {
    if (!byName.has(name)) {
      throw new ModelError(`${at}: ${name} not found in the repository (${hint})${present}`, {
        code: "missing-file",
      });
    }
  }
  const wanted = new Set<string>(chosen);
  for (const graph of chosen) {
    const data = new RegExp(`^${escapeRegExp(graph)}(?:_data|\\.data)(?:_\\d+)?$`);
    for (const name of names) if (data.test(name)) wanted.add(name);
  }
  for (const name of HUB_METADATA_FILES) if (byName.has(name)) wanted.add(name);
  return [...wanted].sort().map((name) => byName.get(name)!);
}

/** The one-line error for a repository without graphs, with the export command when it has weights. */
async function noOnnxError(
  id: string,
  hub: HubSettings,
  listing: Listing,
  opts: EnsureModelOptions,
): Promise<ModelError> {
  const weights = listing.siblings.map((s) => s.rfilename).filter((n) => WEIGHTS.test(n));
  if (weights.length === 0) {
    return new ModelError(
      `${id}@${hub.revision} has no ONNX graphs (onnx/*.onnx or *.onnx) and no PyTorch weights to export`,
      { code: "no-onnx" },
    );
  }
  const config =
    listing.config ??
    (listing.siblings.some((s) => s.rfilename === "config.json")
      ? await fetchSmallJson(hub, id, listing.sha, "config.json")
      : undefined);
  const task = taskOfConfig(config) ?? opts.task;
  const out = `models/${id.split("/")[1]}`;
  const command = (t: ModelTask) => `optimum-cli export onnx --model ${id} --task ${EXPORT_TASKS[t]} ${out}`;
  const how =
    task === undefined
      ? `\`${command("encoder")}\` (an encoder) or \`${command("seq2seq")}\` (a seq2seq generator)`
      : `\`${command(task)}\``;
  const listed = weights.length > 3 ? `${weights.slice(0, 3).join(", ")}, …` : weights.join(", ");
  return new ModelError(
    `${id} has PyTorch weights only (${listed}), no ONNX graphs; export them once with ${how} ` +
      "(pip install optimum-onnx) and give that directory instead",
    { code: "no-onnx" },
  );
}

function taskOfConfig(config: Record<string, unknown> | undefined): ModelTask | undefined {
  if (!config) return undefined;
  if (config["is_encoder_decoder"] === true) return "seq2seq";
  const architectures = Array.isArray(config["architectures"])
    ? config["architectures"].filter((a): a is string => typeof a === "string")
    : [];
  const type = typeof config["model_type"] === "string" ? config["model_type"] : undefined;
  if (architectures.some((a) => /ForConditionalGeneration$|Seq2SeqLM$/.test(a))) return "seq2seq";
  if (type !== undefined && SEQ2SEQ_TYPES.has(type)) return "seq2seq";
  return architectures.length > 0 || type !== undefined ? "encoder" : undefined;
}

async function fetchSmallJson(
  hub: HubSettings,
  id: string,
  sha: string,
  path: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await request(fileUrl(hub, id, sha, path), hub);
    if (!response.ok) return undefined;
    const json: unknown = await response.json();
    return json !== null && typeof json === "object" && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function fileUrl(hub: HubSettings, id: string, sha: string, path: string): string {
  return `${hub.endpoint}/${id}/resolve/${sha}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * Downloads one file into `blobs/` (temp file, size and digest checked, rename) and puts it at `target` in the
 * snapshot as a hard link to the blob (a copy where the file system refuses links).
 */
async function fetchFile(
  id: string,
  hub: HubSettings,
  sha: string,
  sibling: Sibling,
  repoDir: string,
  target: string,
  { onProgress, signal }: LongCallOptions,
): Promise<void> {
  const path = sibling.rfilename;
  const blobs = join(repoDir, "blobs");
  const listedSha256 = validDigest(sibling.lfs?.sha256);
  const listedBlobId = sibling.lfs ? undefined : validDigest(sibling.blobId);
  const known = listedSha256 ?? listedBlobId;
  if (known && existsSync(join(blobs, known))) return place(join(blobs, known), target);
  const size = sibling.lfs?.size ?? sibling.size;
  const url = fileUrl(hub, id, sha, path);
  const failed = (problem: string) =>
    new ModelError(`${id}: downloading ${path} from ${url} failed: ${problem}; nothing was kept`, {
      code: "hub-error",
    });
  let response: Response;
  try {
    response = await request(url, hub, signal);
  } catch (error) {
    signal?.throwIfAborted();
    throw failed(causeOf(error));
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw failed(`HTTP ${response.status}`);
  }
  const length = response.headers.get("content-encoding") ? null : response.headers.get("content-length");
  const expected = size ?? (length === null ? undefined : Number(length));
  const sha256 = createHash("sha256");
  const gitSha1 =
    listedBlobId && expected !== undefined ? createHash("sha1").update(`blob ${expected}\0`) : undefined;
  let bytes = 0;
  let reported = 0;
  const report = () => {
    reported = bytes;
    onProgress?.({ unit: "bytes", task: "download", file: path, done: bytes, total: expected });
  };
  report();
  await mkdir(blobs, { recursive: true });
  const temp = tempPathFor(join(blobs, known ?? "download"));
  let blob: string;
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sha256.update(chunk);
          gitSha1?.update(chunk);
          bytes += chunk.length;
          if (bytes - reported >= PROGRESS_BYTES) report();
          done(null, chunk);
        },
      }),
      createWriteStream(temp),
      ...(signal ? [{ signal }] : []),
    );
    if (reported !== bytes) report();
    const digest = sha256.digest("hex");
    if (expected !== undefined && bytes !== expected) throw failed(`got ${bytes} of ${expected} bytes`);
    if (listedSha256 && digest !== listedSha256) {
      throw failed(`its SHA-256 is ${digest}, the hub lists ${listedSha256}`);
    }
    const gitDigest = gitSha1?.digest("hex");
    if (gitDigest !== undefined && gitDigest !== listedBlobId) {
      throw failed(`its git blob id is ${gitDigest}, the hub lists ${listedBlobId}`);
    }
    blob = join(blobs, known ?? etagOf(response) ?? digest);
    await commitTemp(temp, blob);
  } catch (error) {
    await discardTemp(temp);
    signal?.throwIfAborted();
    throw error instanceof ModelError ? error : failed(causeOf(error));
  }
  await place(blob, target);
}

async function place(blob: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  try {
    try {
      await link(blob, temp);
    } catch {
      await copyFile(blob, temp);
    }
    await rename(temp, target);
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
}

function etagOf(response: Response): string | undefined {
  const raw = response.headers.get("x-linked-etag") ?? response.headers.get("etag");
  return validDigest(raw?.replace(/^W\//, "").replace(/"/g, ""));
}

/** A hex digest (git sha1 or sha256), safe as a file name; anything else is ignored. */
function validDigest(value: string | undefined | null): string | undefined {
  return value && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value) ? value : undefined;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === "string" && /^E[A-Z]+$/.test(cause.code)) return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
