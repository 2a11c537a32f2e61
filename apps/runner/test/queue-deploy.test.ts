import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { codeVersions } from "@xqg/pipeline";
import { GENERATION_DEFAULTS } from "@xqg/querygen";
import { HEALTH_PATHS, PASSWORD_ENV, parseQueueUrl } from "@xqg/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { parseFlags } from "../src/cli/args.js";
import { COMMANDS } from "../src/cli/commands.js";
import {
  freePort,
  REDIS_SERVER,
  type RedisServer,
  spawnWorker,
  startRedis,
  type WorkerProcess,
  waitFor,
} from "./queue-helpers.js";

// The deployment files cannot run here (no Docker, Kubernetes or Slurm): they are parsed and checked — their
// structure, images and commands, and every xqg command line in them against the CLI's own flag parser.
const DEPLOY = resolve(import.meta.dirname, "../deploy");
const read = (name: string) => readFile(join(DEPLOY, name), "utf8");

/** Parses an xqg command line as the CLI would; throws the CLI's own message for a bad flag. */
function checkXqg(argv: readonly string[]) {
  const [name, ...rest] = argv;
  const command = COMMANDS[name!];
  expect(command, `xqg ${name}`).toBeDefined();
  const flags = parseFlags(name!, [...rest], command!.flags);
  const queue = flags.args["queue"]?.[0];
  if (queue !== undefined) parseQueueUrl(queue);
  return flags;
}

/** A queue URL of a deployment file: the password is never in it (it comes from $XQG_REDIS_PASSWORD). */
function checkQueueUrl(raw: string) {
  expect(new URL(raw).password, raw).toBe("");
  expect(new URL(raw).username, raw).toBe("");
}

/**
 * The memory arithmetic of kubernetes.yaml's comment, from mT5-base's shape and the generation defaults the code
 * uses: fp32 weights of the ONNX encoder and merged decoder (each with the shared embedding; the decoder with the
 * untied LM head), and the KV cache of batchSize × 5 sampled sequences (generator.ts caps a decode call there).
 */
const MT5_BASE = { vocab: 250_112, d: 768, ff: 2048, layers: 12 };
function generationMemory() {
  const { vocab, d, ff, layers } = MT5_BASE;
  const embedding = vocab * d;
  const encoderLayer = 4 * d * d + 3 * d * ff; // attention q, k, v, o; gated-GELU wi_0, wi_1, wo
  const decoderLayer = 8 * d * d + 3 * d * ff; // self- and cross-attention
  const parameters = 2 * embedding + layers * (encoderLayer + decoderLayer); // untied LM head
  const encoderGraph = 4 * (embedding + layers * encoderLayer);
  const decoderGraph = 4 * (2 * embedding + layers * decoderLayer);
  const sequences = GENERATION_DEFAULTS.batchSize * Math.min(GENERATION_DEFAULTS.perLanguage, 5);
  const cross = 4 * layers * 2 * sequences * GENERATION_DEFAULTS.maxInputLength * d;
  const self = 4 * layers * 2 * sequences * GENERATION_DEFAULTS.maxLength * d;
  return {
    parameters,
    encoderGraph,
    decoderGraph,
    weights: encoderGraph + decoderGraph,
    cross,
    self,
    sequences,
  };
}
const GB = 1e9;
/** Transient activations, tokenizer, ONNX Runtime's arenas, Node: the comment's allowance. */
const OVERHEAD = 1.5 * GB;

/** A Kubernetes quantity in bytes ("8Gi", "500M") or cores ("4", "500m"). */
function quantity(raw: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(raw));
  expect(m, `quantity ${raw}`).not.toBeNull();
  const factor: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m![1]) * factor[m![2] ?? ""]!;
}

/** Compose's memory ("8g", "512m") in bytes. */
function composeBytes(raw: string): number {
  const m = /^(\d+)([kmg])$/.exec(raw);
  expect(m, `memory ${raw}`).not.toBeNull();
  return Number(m![1]) * { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m![2] as "k" | "m" | "g"];
}

/** The uid and gid of the images' unprivileged user (Dockerfile: USER). */
const IMAGE_UID = 10001;

interface Stage {
  from: string;
  name: string;
  text: string;
}
/** A Dockerfile's stages: `FROM image AS name` and the lines up to the next FROM. */
function dockerStages(text: string): Stage[] {
  const starts = [...text.matchAll(/^FROM (\S+) AS (\S+)$/gm)];
  return starts.map((m, i) => ({
    from: m[1]!,
    name: m[2]!,
    text: text.slice(m.index, starts[i + 1]?.index ?? text.length),
  }));
}

/**
 * Whether `.dockerignore` patterns leave a path (relative to the context) out: Docker's matching for the
 * patterns used here (`**` any folders, `*` within one name; a pattern that matches a folder covers its contents).
 */
function dockerIgnored(patterns: readonly string[]): (path: string) => boolean {
  const regexes = patterns.map((pattern) => {
    expect(pattern, "no ! exceptions: this matcher does not handle them").not.toMatch(/^!/);
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*\*\//g, "\u0000")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")
      .replaceAll("\u0000", "(?:.*/)?");
    return new RegExp(`^${source}(?:/.*)?$`);
  });
  return (path) => regexes.some((r) => r.test(path));
}

const numberFlag = (flags: ReturnType<typeof checkXqg>, name: string, fallback: number) =>
  Number(flags.args[name]?.[0] ?? fallback);

describe("deployment files", () => {
  it("Dockerfile: a Node 24 build of the workspace; cpu (default) and cuda targets with the xqg bin as entrypoint, as an unprivileged user", async () => {
    const text = await read("Dockerfile");
    const stages = dockerStages(text);
    const base = "$" + "{BASE}"; // the Dockerfile's build arguments, not templates
    const cudaBase = "$" + "{CUDA_BASE}";
    expect(stages.map((s) => [s.from, s.name])).toEqual([
      [base, "build"],
      ["build", "build-cuda"],
      [cudaBase, "cuda"],
      [base, "cpu"],
    ]);
    expect(text).toMatch(/^ARG BASE=node:24-bookworm-slim$/m);
    expect(text).toMatch(/^ARG CUDA_BASE=nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu\d+\.\d+$/m);
    const [build, buildCuda, cuda, cpu] = stages as [Stage, Stage, Stage, Stage];
    // the build never runs onnxruntime-node's install script: skipped by the build argument and by pnpm
    expect(build.text).toMatch(/^ARG ONNXRUNTIME_NODE_INSTALL=skip$/m);
    expect(build.text).toContain("pnpm install --frozen-lockfile");
    // the deployed tree is tooling/image's: the CLI with its optional peer @xqg/queue (for worker and run --queue)
    expect(build.text).toContain("turbo run build --filter=@xqg/image...");
    expect(build.text).toContain("pnpm --filter @xqg/image deploy --legacy --prod /opt/xqg");
    const image = JSON.parse(
      await readFile(resolve(import.meta.dirname, "../../../tooling/image/package.json"), "utf8"),
    );
    expect(image.name).toBe("@xqg/image");
    expect(image.dependencies).toEqual({ "@xqg/queue": "workspace:*", xqg: "workspace:*" });
    const root = JSON.parse(await readFile(resolve(import.meta.dirname, "../../../package.json"), "utf8"));
    expect(root.packageManager).toMatch(/^pnpm@/); // corepack enable provides it
    expect(root.pnpm.ignoredBuiltDependencies).toContain("onnxruntime-node");
    expect(root.pnpm.onlyBuiltDependencies).not.toContain("onnxruntime-node");
    // build-cuda runs it on purpose, on the deployed tree, with the value its install script reads
    expect(buildCuda.text).toMatch(/^ENV ONNXRUNTIME_NODE_INSTALL=cuda12$/m);
    const script = /^RUN node (\S+) (\S+)$/m.exec(buildCuda.text)!;
    expect(existsSync(resolve(DEPLOY, "../../..", script[1]!))).toBe(true);
    expect(script[2]).toBe("/opt/xqg");
    expect(cuda.text).toContain("COPY --from=build-cuda /opt/xqg /opt/xqg");
    expect(cuda.text).toContain("COPY --from=build-cuda /usr/local/bin/node /usr/local/bin/node");
    expect(cpu.text).toContain("COPY --from=build /opt/xqg /opt/xqg");
    // the deployed package's bin is the one package.json declares; the port the workers' --health-port names
    const pkg = JSON.parse(await readFile(resolve(import.meta.dirname, "../package.json"), "utf8"));
    const k8s = parseAllDocuments(await read("kubernetes.yaml")).map((d) => d.toJS());
    const worker = k8s.find((d) => d.metadata.name === "xqg-worker").spec.template.spec.containers[0];
    const port = worker.args[worker.args.indexOf("--health-port") + 1];
    for (const stage of [cuda, cpu]) {
      const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(stage.text)![1]!) as string[];
      expect(entry, stage.name).toEqual(["node", "/opt/xqg/node_modules/xqg/bin/xqg.js"]);
      expect(`/opt/xqg/node_modules/xqg/${pkg.bin.xqg.replace(/^\.\//, "")}`).toBe(entry[1]);
      expect(stage.text, stage.name).toMatch(new RegExp(`^EXPOSE ${port}$`, "m"));
      expect(stage.text, stage.name).toMatch(/^WORKDIR \/data$/m);
      // an unprivileged user, numeric (Kubernetes' runAsNonRoot can check it), who owns /data
      expect(stage.text, stage.name).toMatch(new RegExp(`^USER ${IMAGE_UID}:${IMAGE_UID}$`, "m"));
      expect(stage.text, stage.name).toContain(`useradd --uid ${IMAGE_UID} --gid ${IMAGE_UID}`);
      expect(stage.text, stage.name).toContain(`chown ${IMAGE_UID}:${IMAGE_UID} /data`);
      expect(stage.text.indexOf("USER "), stage.name).toBeGreaterThan(stage.text.lastIndexOf("RUN "));
    }
  });

  it("onnxruntime-cuda.mjs: runs onnxruntime-node's own install script with the image's value, which that script reads as an install", async () => {
    const script = join(DEPLOY, "onnxruntime-cuda.mjs");
    const { findOnnxruntime, cudaFiles } = (await import(script)) as {
      findOnnxruntime: (root: string) => string;
      cudaFiles: (dir: string, os?: string) => string[];
    };
    // the onnxruntime-node that @xqg/models loads, as the manifests record it, found from the image's tree (along
    // xqg → @xqg/pipeline → @xqg/models, none of which the image's package lists itself) and from the CLI's
    const ort = findOnnxruntime(resolve(import.meta.dirname, "../../../tooling/image"));
    expect(findOnnxruntime(resolve(import.meta.dirname, ".."))).toBe(ort);
    const version = JSON.parse(await readFile(join(ort, "package.json"), "utf8")).version;
    expect(version).toBe(codeVersions()["onnxruntime-node"]);
    expect(cudaFiles(ort, "linux/x64").map((f) => f.slice(ort.length))).toContain(
      "/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so",
    );
    // what its install script makes of the image's values: cuda12 installs, skip skips
    const requireOrt = createRequire(join(ort, "package.json"));
    const { parseInstallFlag } = requireOrt("./script/install-utils.js") as {
      parseInstallFlag: () => unknown;
    };
    const metadata = requireOrt("./script/install-metadata.js") as { requirements: Record<string, string[]> };
    expect(metadata.requirements["linux/x64"]).toEqual(["cuda12"]);
    const dockerfile = await read("Dockerfile");
    const cudaValue = /^ENV ONNXRUNTIME_NODE_INSTALL=(\S+)$/m.exec(dockerfile)![1];
    const saved = process.env["ONNXRUNTIME_NODE_INSTALL"];
    try {
      process.env["ONNXRUNTIME_NODE_INSTALL"] = cudaValue;
      expect(parseInstallFlag()).not.toBe(false);
      process.env["ONNXRUNTIME_NODE_INSTALL"] = "skip";
      expect(parseInstallFlag()).toBe(false);
    } finally {
      if (saved === undefined) delete process.env["ONNXRUNTIME_NODE_INSTALL"];
      else process.env["ONNXRUNTIME_NODE_INSTALL"] = saved;
    }
    // the script really runs that install script: CUDA 11 makes it fail at once, offline, with its own message
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number; stderr: string }>((done) => {
        const { ONNXRUNTIME_NODE_INSTALL: _a, ONNXRUNTIME_NODE_INSTALL_CUDA: _b, ...rest } = process.env;
        execFile(
          process.execPath,
          [script, resolve(import.meta.dirname, "..")],
          { env: { ...rest, ...env }, timeout: 30_000 },
          (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
        );
      });
    const v11 = await run({ ONNXRUNTIME_NODE_INSTALL_CUDA: "v11" });
    expect(v11.code).toBe(1);
    expect(v11.stderr).toContain(`running onnxruntime-node ${version}'s install script`);
    expect(v11.stderr).toContain("CUDA 11 is no longer supported");
    expect(v11.stderr).toContain("onnxruntime-cuda: onnxruntime-node's install script failed (exit 1)");
    const skip = await run({ ONNXRUNTIME_NODE_INSTALL: "skip" });
    expect(skip).toEqual({
      code: 1,
      stderr:
        'onnxruntime-cuda: ONNXRUNTIME_NODE_INSTALL is "skip": set it to cuda12 to download the CUDA provider\n',
    });
  });

  it(".dockerignore: installs, builds, caches and secrets stay out; every tracked file goes in", async () => {
    const root = resolve(DEPLOY, "../../..");
    const patterns = (await readFile(join(root, ".dockerignore"), "utf8"))
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    const ignored = dockerIgnored(patterns);
    for (const path of [
      "node_modules/.pnpm/x/package.json",
      "packages/core/node_modules/@xqg/x",
      "packages/core/dist/index.js",
      "packages/querygen/.bench-cache/mt5/model.onnx",
      ".turbo/cache/x",
      ".git/HEAD",
      ".bootstrap/node-24/bin/node",
      "apps/runner/deploy/.env",
      "apps/runner/deploy/data/xqg.yaml",
    ])
      expect(ignored(path), path).toBe(true);
    const tracked = await new Promise<string[]>((done, fail) =>
      execFile("git", ["ls-files"], { cwd: root, maxBuffer: 64 << 20 }, (error, stdout) =>
        error ? fail(error) : done(stdout.split("\n").filter((l) => l !== "")),
      ),
    );
    expect(tracked.length).toBeGreaterThan(100);
    expect(tracked.filter(ignored)).toEqual([]);
  });

  it("image.yml: a workflow builds every image the deployment files name, from the Dockerfile target that makes it", async () => {
    const root = resolve(DEPLOY, "../../..");
    const workflow = parseYaml(await readFile(join(root, ".github/workflows/image.yml"), "utf8")) as {
      on: { push: { branches: string[] } };
      permissions: Record<string, string>;
      jobs: Record<
        string,
        {
          strategy: { matrix: { include: Array<{ target: string; image: string }> } };
          steps: Array<{ uses?: string; with?: Record<string, unknown>; run?: string }>;
        }
      >;
    };
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.permissions["packages"]).toBe("write");
    const job = Object.values(workflow.jobs)[0]!;
    const matrix = job.strategy.matrix.include;
    const build = job.steps.find((s) => s.uses?.startsWith("docker/build-push-action@"))!;
    expect(build.with).toMatchObject({
      context: ".",
      file: "apps/runner/deploy/Dockerfile",
      target: `$${"{{"} matrix.target }}`, // GitHub's expression syntax, not a template
      tags: `$${"{{"} matrix.image }}`,
    });
    expect(resolve(root, build.with!["file"] as string)).toBe(join(DEPLOY, "Dockerfile"));
    const stages = dockerStages(await read("Dockerfile"));
    const built = new Map(matrix.map((m) => [m.image, m.target]));
    for (const { target } of matrix) expect(stages.map((s) => s.name)).toContain(target);
    // the images kubernetes.yaml runs, each from the right target: GPU workers from cuda, the rest from cpu
    const k8s = parseAllDocuments(await read("kubernetes.yaml")).map((d) => d.toJS());
    const pods = k8s
      .filter((d) => d.kind === "Deployment" || d.kind === "Job")
      .filter((d) => d.metadata.name !== "redis")
      .map((d) => ({ name: d.metadata.name as string, pod: d.spec.template.spec }));
    const named = new Set<string>();
    for (const { name, pod } of pods) {
      const image = pod.containers[0].image as string;
      named.add(image);
      const gpu = pod.containers[0].resources.limits?.["nvidia.com/gpu"] !== undefined;
      expect(built.get(image), `${name}: ${image}`).toBe(gpu ? "cuda" : "cpu");
      // the image's unprivileged user
      expect(pod.securityContext, name).toMatchObject({ runAsNonRoot: true, runAsUser: IMAGE_UID });
    }
    expect([...built.keys()].sort()).toEqual([...named].sort());
    expect(stages.find((s) => s.name === "cuda")!.from).toBe("$" + "{CUDA_BASE}");
    // the check step runs each image as that user
    expect(job.steps.map((s) => s.run ?? "").join("\n")).toContain(`id "$IMAGE" -u)" = ${IMAGE_UID}`);
    // docker compose builds the cpu target, the default (last) stage
    const compose = parseYaml(await read("docker-compose.yml")) as {
      services: { worker: { build: { target: string } } };
    };
    expect(compose.services.worker.build.target).toBe("cpu");
    expect(stages.at(-1)!.name).toBe("cpu");
  });

  it("docker-compose.yml: Redis, scalable workers and the coordinator on one shared volume", async () => {
    const compose = parseYaml(await read("docker-compose.yml")) as {
      services: Record<
        string,
        {
          image?: string;
          command?: string[];
          volumes?: string[];
          build?: unknown;
          deploy?: {
            replicas: number;
            resources?: {
              reservations: { cpus: string; memory: string };
              limits: { cpus: string; memory: string };
            };
          };
          depends_on?: string[];
          environment?: Record<string, string>;
          healthcheck?: { test: string[]; interval: string; timeout: string; retries: number };
        }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(["coordinator", "redis", "worker"]);
    const { redis, worker, coordinator } = compose.services as Required<typeof compose.services>;
    expect(redis!.image).toMatch(/^redis:\d/);
    // the password from the environment (.env), never in a file of the repository
    const fromEnv = /^\$\{XQG_REDIS_PASSWORD:\?[^}]+\}$/;
    expect(redis!.command!.slice(0, 6)).toEqual([
      "redis-server",
      "--save",
      "",
      "--appendonly",
      "no",
      "--requirepass",
    ]);
    expect(redis!.command![6]).toMatch(fromEnv);
    for (const service of [worker!, coordinator!])
      expect(service.environment![PASSWORD_ENV]).toMatch(fromEnv);
    expect(worker!.image).toBe("xqg");
    expect(coordinator!.image).toBe("xqg");
    expect(worker!.deploy!.replicas).toBeGreaterThanOrEqual(2);
    expect(worker!.volumes).toEqual(coordinator!.volumes);
    expect(worker!.command![0]).toBe("worker");
    expect(coordinator!.command![0]).toBe("run");
    for (const service of [worker!, coordinator!]) {
      const flags = checkXqg(service.command!);
      checkQueueUrl(flags.args["queue"]![0]!);
      expect(parseQueueUrl(flags.args["queue"]![0]!).options.host).toBe("redis");
    }
    // the health check fetches the worker's readiness path on its --health-port
    const workerFlags = checkXqg(worker!.command!);
    const check = worker!.healthcheck!.test;
    expect(check.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(check[3]).toContain(
      `fetch('http://127.0.0.1:${workerFlags.args["healthPort"]![0]}${HEALTH_PATHS.ready}')`,
    );
    // resources: a core per thread per unit, memory for mT5-base generation (kubernetes.yaml's arithmetic)
    const threads = workerFlags.threads!;
    const concurrency = numberFlag(workerFlags, "concurrency", 1);
    const resources = worker!.deploy!.resources!;
    expect(Number(resources.reservations.cpus)).toBe(threads * concurrency);
    expect(Number(resources.limits.cpus)).toBeGreaterThanOrEqual(threads * concurrency);
    const need =
      (generationMemory().weights + generationMemory().cross + generationMemory().self) * concurrency +
      OVERHEAD;
    expect(composeBytes(resources.reservations.memory)).toBeGreaterThanOrEqual(need);
    expect(composeBytes(resources.limits.memory)).toBeGreaterThanOrEqual(
      composeBytes(resources.reservations.memory),
    );
    expect(coordinator!.command![1]!.startsWith(worker!.volumes![0]!.split(":")[1]!)).toBe(true);
    const build = worker!.build as { context: string; dockerfile: string };
    expect(resolve(DEPLOY, build.context, build.dockerfile)).toBe(join(DEPLOY, "Dockerfile"));
  });

  it("kubernetes.yaml: a ReadWriteMany volume, Redis with a password from a Secret, CPU and GPU worker Deployments with probes and resources, a coordinator Job", async () => {
    const text = await read("kubernetes.yaml");
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    const kinds = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(kinds).toEqual([
      "PersistentVolumeClaim/xqg-data",
      "Deployment/redis",
      "Service/redis",
      "Deployment/xqg-worker",
      "Deployment/xqg-worker-gpu",
      "Job/xqg-coordinator",
    ]);
    const [pvc, redis, service, worker, gpuWorker, job] = docs;
    expect(pvc.apiVersion).toBe("v1");
    expect(pvc.spec.accessModes).toEqual(["ReadWriteMany"]);
    expect(redis.apiVersion).toBe("apps/v1");
    expect(service.spec.ports[0].port).toBe(6379);
    expect(service.spec.selector).toEqual(redis.spec.template.metadata.labels);
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.spec.template.spec.restartPolicy).toBe("OnFailure");
    const jobPod = job.spec.template.spec;

    // the password: a Secret (created by hand, not in the file) → env → redis-server --requirepass and $XQG_REDIS_PASSWORD
    const secret = { secretKeyRef: { name: "xqg-redis", key: "password" } };
    expect(text).toContain("kubectl create secret generic xqg-redis --from-literal=password=");
    const redisContainer = redis.spec.template.spec.containers[0];
    expect(redisContainer.env).toEqual([{ name: "REDIS_PASSWORD", valueFrom: secret }]);
    expect(redisContainer.args.slice(-2)).toEqual(["--requirepass", "$(REDIS_PASSWORD)"]);
    expect(redisContainer.readinessProbe.tcpSocket.port).toBe(6379);

    const cpu = generationMemory();
    for (const [deployment, device] of [
      [worker, "cpu"],
      [gpuWorker, "cuda"],
    ] as const) {
      const name = deployment.metadata.name;
      expect(deployment.apiVersion, name).toBe("apps/v1");
      expect(deployment.spec.selector.matchLabels, name).toEqual(deployment.spec.template.metadata.labels);
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      expect(container.args[0], name).toBe("worker");
      const flags = checkXqg(container.args);
      expect(flags.args["device"], name).toEqual([device]);
      expect(container.env, name).toEqual([{ name: PASSWORD_ENV, valueFrom: secret }]);
      // probes: HTTP GETs of the paths the worker serves, on the port its --health-port names
      const port = container.ports.find((p: { name: string }) => p.name === "health");
      expect(String(port.containerPort), name).toBe(flags.args["healthPort"]![0]);
      expect(container.livenessProbe.httpGet, name).toEqual({ path: HEALTH_PATHS.live, port: "health" });
      expect(container.readinessProbe.httpGet, name).toEqual({ path: HEALTH_PATHS.ready, port: "health" });
      // liveness is patient (a minute): a busy unit must not get its worker restarted
      expect(
        container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold,
      ).toBeGreaterThanOrEqual(60);
      // resources: a core per thread per unit; the limits hold the requests
      const { requests, limits } = container.resources;
      const threads = flags.threads!;
      const concurrency = numberFlag(flags, "concurrency", 1);
      expect(quantity(requests.cpu), name).toBe(threads * concurrency);
      expect(quantity(limits.cpu), name).toBeGreaterThanOrEqual(quantity(requests.cpu));
      expect(quantity(limits.memory), name).toBeGreaterThanOrEqual(quantity(requests.memory));
      if (device === "cpu") {
        // the model and its KV cache in host memory, per unit
        const need = (cpu.weights + cpu.cross + cpu.self) * concurrency + OVERHEAD;
        expect(quantity(requests.memory), name).toBeGreaterThanOrEqual(need);
        expect(limits["nvidia.com/gpu"], name).toBeUndefined();
      } else {
        // weights and cache on the GPU; the host still reads the model before copying it there
        expect(quantity(requests.memory), name).toBeGreaterThanOrEqual(cpu.weights + OVERHEAD);
        expect(limits["nvidia.com/gpu"], name).toBe(1);
        expect(pod.tolerations, name).toContainEqual({
          key: "nvidia.com/gpu",
          operator: "Exists",
          effect: "NoSchedule",
        });
        expect(container.image, name).not.toBe(jobPod.containers[0].image);
      }
    }
    expect(worker.spec.template.spec.containers[0].image).toBe(jobPod.containers[0].image);
    // the comment states the arithmetic the test makes
    const gb = (bytes: number) => `${(bytes / GB).toFixed(2)} GB`;
    expect(cpu.sequences).toBe(40);
    for (const figure of [
      `${Math.round(cpu.parameters / 1e6)}M parameters (${gb(cpu.parameters * 4)})`,
      `= ${gb(cpu.encoderGraph)}`,
      `= ${gb(cpu.decoderGraph)}`,
      `${(cpu.weights / GB).toFixed(1)} GB loaded`,
      `= ${gb(cpu.cross)}`,
      `= ${gb(cpu.self)}`,
      `batchSize ${GENERATION_DEFAULTS.batchSize} prompts × 5 samples = ${cpu.sequences} sequences`,
      `maxInputLength ${GENERATION_DEFAULTS.maxInputLength}, maxLength ${GENERATION_DEFAULTS.maxLength}`,
    ])
      expect(text, figure).toContain(figure);

    for (const pod of [worker.spec.template.spec, gpuWorker.spec.template.spec, jobPod]) {
      expect(pod.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "xqg-data" } }]);
      expect(pod.containers[0].volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
      const flags = checkXqg(pod.containers[0].args);
      checkQueueUrl(flags.args["queue"]![0]!);
      expect(parseQueueUrl(flags.args["queue"]![0]!).options.host).toBe(service.metadata.name);
      expect(pod.containers[0].env).toEqual([{ name: PASSWORD_ENV, valueFrom: secret }]);
      expect(pod.containers[0].resources.requests).toBeDefined();
    }
    expect(jobPod.containers[0].args.slice(0, 2)).toEqual(["run", "/data/xqg.yaml"]);
  });

  it("slurm.sh: one array task per shard (--shard i/N), then the merging run after all succeed", async () => {
    const text = await read("slurm.sh");
    expect(text.startsWith("#!/bin/sh\n")).toBe(true);
    expect(text).toContain("--array=0-$((shards - 1))");
    expect(text).toContain("--dependency=afterok:");
    const wraps = [...text.matchAll(/--wrap="([^"]*)"/g)].map((m) => m[1]!);
    expect(wraps).toHaveLength(2);
    // what each task runs, with Slurm's variables as task 17 of 64 sets them
    const shellVar = (name: string) => `\\$\{${name}}`; // as written in the script: \${NAME}
    const task = wraps[0]!
      .replaceAll(shellVar("SLURM_ARRAY_TASK_ID"), "17")
      .replaceAll(shellVar("SLURM_ARRAY_TASK_COUNT"), "64")
      .replaceAll("$config", "repro.yaml")
      .split(" ");
    expect(task[0]).toBe("xqg");
    const flags = checkXqg(task.slice(1));
    expect(flags.shard).toEqual({ index: 17, count: 64 });
    const merge = wraps[1]!.replaceAll("$config", "repro.yaml").split(" ");
    expect(checkXqg(merge.slice(1)).shard).toEqual({ index: 0, count: 1 });
  });
});

/** `node -e SCRIPT` as the compose health check runs it; resolves to its exit code. */
function runHealthcheck(script: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", script], { timeout: 10_000 }, (error) =>
      resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
    );
  });
}

// The probes as written in the files, against a real worker of a real Redis with a password: the worker's own
// arguments (its queue pointed at the local Redis, its health port a free one), the Secret's password in the
// environment, the compose health check's command run as Docker would.
describe.skipIf(!REDIS_SERVER)("deployment probes against a live worker", () => {
  const password = "from-the-secret";
  let redis: RedisServer;
  let worker: WorkerProcess | undefined;
  const saved = { password: process.env[PASSWORD_ENV], beat: process.env["XQG_WORKER_HEARTBEAT_MS"] };

  beforeAll(async () => {
    redis = await startRedis("--requirepass", password);
  }, 60_000);
  afterAll(async () => {
    await worker?.kill("SIGKILL");
    await redis?.dispose();
    for (const [name, value] of [
      [PASSWORD_ENV, saved.password],
      ["XQG_WORKER_HEARTBEAT_MS", saved.beat],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  it("kubernetes' httpGet probes and compose's health check: healthy for a live worker, not ready once its Redis is gone", async () => {
    const k8s = parseAllDocuments(await read("kubernetes.yaml")).map((d) => d.toJS());
    const container = k8s.find((d) => d.metadata.name === "xqg-worker").spec.template.spec.containers[0];
    const compose = parseYaml(await read("docker-compose.yml")) as {
      services: { worker: { command: string[]; healthcheck: { test: string[] } } };
    };
    const port = await freePort();
    const args = (container.args as string[]).map((arg, i, all) =>
      all[i - 1] === "--queue" ? redis.url : all[i - 1] === "--health-port" ? String(port) : arg,
    );
    const declared =
      compose.services.worker.command[compose.services.worker.command.indexOf("--health-port") + 1]!;
    const healthcheck = compose.services.worker.healthcheck.test[3]!.replace(`:${declared}/`, `:${port}/`);
    const probe = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
      return response.status;
    };

    process.env[PASSWORD_ENV] = password;
    process.env["XQG_WORKER_HEARTBEAT_MS"] = "300";
    worker = spawnWorker(args[2]!, ...args.slice(3));
    await waitFor(() => /waiting for units/.test(worker!.output()), 60_000, "the worker to start");
    expect(await probe(container.livenessProbe.httpGet.path)).toBe(200);
    expect(await probe(container.readinessProbe.httpGet.path)).toBe(200);
    expect(await runHealthcheck(healthcheck)).toBe(0);

    await redis.stop();
    await waitFor(
      async () => (await probe(container.readinessProbe.httpGet.path)) === 503,
      10_000,
      "not ready",
    );
    expect(await runHealthcheck(healthcheck)).toBe(1);
    expect(await probe(container.livenessProbe.httpGet.path)).toBe(200);
    expect(worker.output()).not.toContain(password);
  }, 120_000);
});
