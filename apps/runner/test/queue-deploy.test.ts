import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { parseFlags } from "../src/cli/args.js";
import { COMMANDS } from "../src/cli/commands.js";
import { parseQueueUrl } from "../src/queue/connection.js";

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

describe("deployment files", () => {
  it("Dockerfile: a Node 24 build of the workspace, the xqg bin as entrypoint, CUDA opt-in", async () => {
    const text = await read("Dockerfile");
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    const base = "$" + "{BASE}"; // the Dockerfile's build argument, not a template
    expect(froms).toEqual([base, base]);
    expect(text).toMatch(/^ARG BASE=node:24-bookworm-slim$/m);
    expect(text).toMatch(/^ARG ONNXRUNTIME_NODE_INSTALL=skip$/m);
    expect(text).toContain("pnpm install --frozen-lockfile");
    expect(text).toContain("turbo run build --filter=xqg...");
    const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(text)![1]!) as string[];
    expect(entry).toEqual(["node", "/opt/xqg/bin/xqg.js"]);
    // the deployed package's bin is the one package.json declares
    const pkg = JSON.parse(await readFile(resolve(import.meta.dirname, "../package.json"), "utf8"));
    expect(`/opt/xqg/${pkg.bin.xqg.replace(/^\.\//, "")}`).toBe(entry[1]);
    const root = JSON.parse(await readFile(resolve(import.meta.dirname, "../../../package.json"), "utf8"));
    expect(root.packageManager).toMatch(/^pnpm@/); // corepack enable provides it
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
          deploy?: { replicas: number };
          depends_on?: string[];
        }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(["coordinator", "redis", "worker"]);
    const { redis, worker, coordinator } = compose.services as Required<typeof compose.services>;
    expect(redis!.image).toMatch(/^redis:\d/);
    expect(redis!.command).toEqual(["redis-server", "--save", "", "--appendonly", "no"]);
    expect(worker!.image).toBe("xqg");
    expect(coordinator!.image).toBe("xqg");
    expect(worker!.deploy!.replicas).toBeGreaterThanOrEqual(2);
    expect(worker!.volumes).toEqual(coordinator!.volumes);
    expect(worker!.command![0]).toBe("worker");
    expect(coordinator!.command![0]).toBe("run");
    for (const service of [worker!, coordinator!]) {
      const flags = checkXqg(service.command!);
      expect(parseQueueUrl(flags.args["queue"]![0]!).options.host).toBe("redis");
    }
    expect(coordinator!.command![1]!.startsWith(worker!.volumes![0]!.split(":")[1]!)).toBe(true);
    const build = worker!.build as { context: string; dockerfile: string };
    expect(resolve(DEPLOY, build.context, build.dockerfile)).toBe(join(DEPLOY, "Dockerfile"));
  });

  it("kubernetes.yaml: a ReadWriteMany volume, Redis and its Service, a worker Deployment, a coordinator Job", async () => {
    const docs = parseAllDocuments(await read("kubernetes.yaml")).map((d) => d.toJS());
    const kinds = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(kinds).toEqual([
      "PersistentVolumeClaim/xqg-data",
      "Deployment/redis",
      "Service/redis",
      "Deployment/xqg-worker",
      "Job/xqg-coordinator",
    ]);
    const [pvc, redis, service, worker, job] = docs;
    expect(pvc.apiVersion).toBe("v1");
    expect(pvc.spec.accessModes).toEqual(["ReadWriteMany"]);
    expect(redis.apiVersion).toBe("apps/v1");
    expect(service.spec.ports[0].port).toBe(6379);
    expect(service.spec.selector).toEqual(redis.spec.template.metadata.labels);
    expect(worker.apiVersion).toBe("apps/v1");
    expect(worker.spec.selector.matchLabels).toEqual(worker.spec.template.metadata.labels);
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.spec.template.spec.restartPolicy).toBe("OnFailure");
    const workerPod = worker.spec.template.spec;
    const jobPod = job.spec.template.spec;
    expect(workerPod.containers[0].image).toBe(jobPod.containers[0].image);
    for (const pod of [workerPod, jobPod]) {
      expect(pod.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "xqg-data" } }]);
      expect(pod.containers[0].volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
      const flags = checkXqg(pod.containers[0].args);
      expect(parseQueueUrl(flags.args["queue"]![0]!).options.host).toBe(service.metadata.name);
    }
    expect(workerPod.containers[0].args[0]).toBe("worker");
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
