import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { exec } from "./exec.js";
import { ROOT } from "./workspace.js";

/** A Verdaccio registry on 127.0.0.1, as started by {@link startLocalRegistry}. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** A user's token for the registry (may publish). */
  token: string;
  /**
   * An npm user config (npmrc) naming this registry for `scopes` and `packages`' scope, with the token, over
   * the machine's own user config (cafile, proxy, …): point npm and pnpm at it with `npm_config_userconfig`.
   */
  userconfig(file: string, options?: { defaultRegistry?: "local" | "upstream" }): string;
  /** What the registry logged (warnings and errors), for a failing check's message. */
  log(): string;
  /** Stops the registry (SIGTERM, SIGKILL after 5 s); resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** Folder for the registry's config, storage and users (created; the caller removes it). */
  dir: string;
  /** Package names (exact, or `@scope/*`) the registry holds itself and never looks up upstream. */
  local: string[];
  /** Registry the other packages are proxied from (default: the one npm is configured with). */
  upstream?: string;
  /** Milliseconds to wait for the registry to answer (default 60 s). */
  startTimeoutMs?: number;
}

/** The registry npm uses on this machine (`npm config get registry`), with a trailing slash. */
export function upstreamRegistry(): string {
  const url = exec("npm", ["config", "get", "registry"], { cwd: ROOT }).stdout.trim();
  return url.endsWith("/") ? url : `${url}/`;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const running = new Set<ChildProcess>();
// Last resort: a registry must not outlive the test process (a crash, or a hook that never reached stop()).
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts Verdaccio (this package's pinned devDependency) on 127.0.0.1 and a free port, with its config,
 * storage and users under `dir`: the `local` packages live only there (anyone may read them, a logged-in user
 * may publish them); every other package is proxied from `upstream` without keeping a copy.
 */
export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const { dir } = options;
  const upstream = options.upstream ?? upstreamRegistry();
  mkdirSync(join(dir, "storage"), { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const quote = (s: string) => JSON.stringify(s);
  const local = options.local
    .map(
      (name) =>
        `  ${quote(name)}:\n    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n`,
    )
    .join("");
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    `storage: ${quote(join(dir, "storage"))}
auth:
  htpasswd:
    file: ${quote(join(dir, "htpasswd"))}
    max_users: 1
    rounds: 4
uplinks:
  upstream:
    url: ${quote(upstream)}
    cache: false
    timeout: 120s
    max_fails: 5
packages:
${local}  "**":
    access: $all
    publish: $authenticated
    proxy: upstream
web:
  enable: false
max_body_size: 200mb
log:
  type: stdout
  format: json
  level: warn
`,
  );
  const bin = join(
    dirname(createRequire(import.meta.url).resolve("verdaccio/package.json")),
    "bin",
    "verdaccio",
  );
  const child = spawn(process.execPath, [bin, "--config", config, "--listen", `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  running.add(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  exited.then(() => running.delete(child));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${output}`);
      try {
        const r = await fetch(`${url}-/ping`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} in time:\n${output}`);
      await sleep(200);
    }
    // A user (the first and only one the htpasswd file admits), whose token may publish.
    const user = "xqg-release";
    const r = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: user, password: "local-registry-only", type: "user", roles: [] }),
    });
    const body = (await r.json()) as { token?: string; error?: string };
    if (!r.ok || !body.token)
      throw new Error(`verdaccio refused to add a user: ${r.status} ${JSON.stringify(body)}`);
    const token = body.token;

    const hostPath = url.replace(/^http:/, "");
    const scopes = [...new Set(options.local.filter((n) => n.startsWith("@")).map((n) => n.split("/")[0]!))];
    const machineConfig = exec("npm", ["config", "get", "userconfig"], { cwd: ROOT }).stdout.trim();
    let base = "";
    try {
      base = readFileSync(machineConfig, "utf8");
    } catch {
      // no user config on this machine
    }
    return {
      url,
      token,
      userconfig(file, opts = {}) {
        const lines = [
          base.trimEnd(),
          "# the local registry (tooling/repo-checks/src/registry.ts)",
          `registry=${opts.defaultRegistry === "upstream" ? upstream : url}`,
          ...scopes.map((scope) => `${scope}:registry=${url}`),
          `${hostPath}:_authToken=${token}`,
          "",
        ];
        writeFileSync(file, lines.join("\n"));
        return file;
      },
      log: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
