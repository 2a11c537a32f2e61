/**
 * A stand-in for the Hugging Face hub on 127.0.0.1: the model listing (`/api/models/{id}/revision/{rev}`, with
 * `?blobs=true` sizes, git blob ids and LFS digests), file downloads (`/{id}/resolve/{rev}/{path}`: small files
 * with their git blob id as ETag, LFS files redirected to a content address as the hub redirects to its CDN), and
 * a record of every request. Nothing here reaches a network.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRepo {
  id: string;
  /** Commit sha of `main`. */
  sha: string;
  /** path in the repository → content */
  files: Record<string, Uint8Array | string>;
  /** The `config` summary the hub adds to a listing (architectures, model_type), when it has one. */
  config?: Record<string, unknown>;
}

export interface FakeHubOptions {
  /** Paths whose download stops after half the bytes, the connection destroyed. */
  drop?: readonly string[];
  /** Paths served with their last byte changed (same length). */
  corrupt?: readonly string[];
  /** Paths whose download sends its headers and half the bytes, then nothing more (the connection kept open). */
  stall?: readonly string[];
}

export interface FakeRequest {
  path: string;
  authorization: string | undefined;
}

export interface FakeHub {
  endpoint: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

const LFS = /\.(onnx|onnx_data|bin|safetensors|model)$/;

export const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
export const gitBlobId = (data: Uint8Array): string =>
  createHash("sha1").update(`blob ${data.length}\0`).update(data).digest("hex");

/** The bytes of a repository file. */
export function bytesOf(content: Uint8Array | string): Uint8Array {
  return typeof content === "string" ? Buffer.from(content) : content;
}

/** Whether the fake hub stores a path with LFS (its blob is named by SHA-256) or in git (by git blob id). */
export const isLfs = (path: string): boolean => LFS.test(path);

export async function startFakeHub(repos: readonly FakeRepo[], opts: FakeHubOptions = {}): Promise<FakeHub> {
  const byId = new Map(repos.map((r) => [r.id, r]));
  const byDigest = new Map<string, { path: string; data: Uint8Array }>();
  for (const repo of repos)
    for (const [path, content] of Object.entries(repo.files))
      byDigest.set(sha256(bytesOf(content)), { path, data: bytesOf(content) });
  const requests: FakeRequest[] = [];
  const drop = new Set(opts.drop ?? []);
  const corrupt = new Set(opts.corrupt ?? []);
  const stall = new Set(opts.stall ?? []);
  let endpoint = "";

  const send = (res: ServerResponse, path: string, original: Uint8Array, headers: Record<string, string>) => {
    const data = corrupt.has(path) ? Buffer.from(original).fill(0x2a, original.length - 1) : original;
    res.writeHead(200, { "content-length": String(data.length), ...headers });
    if (stall.has(path)) {
      res.write(data.subarray(0, data.length >> 1));
      return;
    }
    if (!drop.has(path)) {
      res.end(data);
      return;
    }
    res.write(data.subarray(0, data.length >> 1), () => res.socket?.destroy());
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", endpoint);
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (api) {
      const repo = byId.get(api[1]!);
      if (!repo) return error(res, 404, "RepoNotFound");
      const revision = decodeURIComponent(api[2]!);
      if (revision !== "main" && revision !== repo.sha) return error(res, 404, "RevisionNotFound");
      const siblings = Object.entries(repo.files).map(([rfilename, content]) => {
        const data = bytesOf(content);
        return isLfs(rfilename)
          ? {
              rfilename,
              size: data.length,
              blobId: gitBlobId(
                Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(data)}\n`),
              ),
              lfs: { sha256: sha256(data), size: data.length, pointerSize: 134 },
            }
          : { rfilename, size: data.length, blobId: gitBlobId(data) };
      });
      const body = JSON.stringify({
        id: repo.id,
        sha: repo.sha,
        siblings,
        ...(repo.config ? { config: repo.config } : {}),
      });
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(body);
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const repo = byId.get(resolve[1]!);
      const path = resolve[3]!.split("/").map(decodeURIComponent).join("/");
      const content = repo?.files[path];
      if (!repo || content === undefined || (resolve[2] !== "main" && resolve[2] !== repo.sha)) {
        return error(res, 404, "EntryNotFound");
      }
      const data = bytesOf(content);
      if (isLfs(path)) {
        res.writeHead(302, {
          location: `${endpoint}/lfs/${sha256(data)}`,
          "x-linked-etag": `"${sha256(data)}"`,
          "x-linked-size": String(data.length),
          "x-repo-commit": repo.sha,
        });
        return res.end();
      }
      return send(res, path, data, { etag: `"${gitBlobId(data)}"`, "x-repo-commit": repo.sha });
    }
    const lfs = /^\/lfs\/([0-9a-f]{64})$/.exec(url.pathname);
    const blob = lfs && byDigest.get(lfs[1]!);
    if (blob) return send(res, blob.path, blob.data, { etag: `"${lfs[1]}"` });
    return error(res, 404, "EntryNotFound");
  };

  const server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function error(res: ServerResponse, status: number, code: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-error-code": code });
  res.end(JSON.stringify({ error: code }));
}

/** An endpoint on 127.0.0.1 where nothing listens (a port just released). */
export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

/** A server on 127.0.0.1 that takes requests and never answers them. */
export async function silentEndpoint(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer(() => {});
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
