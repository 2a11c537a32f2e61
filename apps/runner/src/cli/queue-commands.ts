import { type Device, type Logger, settings, UserError } from "@xqg/pipeline";
import { onInterrupt } from "../interrupt.js";
import type { ArgFlag, FlagSpec, ParsedFlags, ValueKind } from "./args.js";

/** The command that installs the queue package, which xqg loads only for queued runs. */
export const INSTALL_QUEUE = "npm install @xqg/queue";

/**
 * @xqg/queue, loaded on demand: an optional peer of xqg, so that BullMQ and ioredis are installed only by those
 * who run on a queue. Without it, the one command that installs it.
 */
export async function loadQueue(what: string): Promise<typeof import("@xqg/queue")> {
  try {
    return await import("@xqg/queue");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      String(error).includes("@xqg/queue")
    )
      throw new UserError(`${what} needs the queue package, which is not installed: ${INSTALL_QUEUE}`, {
        code: "missing-package",
      });
    throw error;
  }
}

interface QueueCommand {
  readonly summary: string;
  readonly usage: string;
  readonly flags: FlagSpec;
  run(
    flags: ParsedFlags,
    ctx: { readonly log: Logger; readonly stdout: NodeJS.WritableStream },
  ): Promise<void>;
}

const { DEVICES } = settings;

const positiveInt = (s: string): number | undefined => (/^[1-9]\d*$/.test(s) ? Number(s) : undefined);
const POSITIVE: ValueKind<number> = { placeholder: "N", expected: "an integer ≥ 1", parse: positiveInt };
const PORT: ValueKind<number> = {
  placeholder: "N",
  expected: "a TCP port, 1 to 65535",
  parse: (s) => {
    const n = positiveInt(s);
    return n !== undefined && n <= 65_535 ? n : undefined;
  },
};
const URL_KIND: ValueKind<string> = {
  placeholder: "URL",
  expected: "redis://[user:password@]HOST:PORT[/DB]",
  parse: (raw) => (raw === "" ? undefined : raw),
};
const DEVICE: ValueKind<Device> = {
  placeholder: "NAME",
  expected: Object.keys(DEVICES).join(" | "),
  parse: (raw) => (raw in DEVICES ? (raw as Device) : undefined),
};
const QUEUE: ArgFlag = {
  help: "the Redis of the run's coordinator, redis://HOST:PORT[/DB] (password also from $XQG_REDIS_PASSWORD)",
  value: URL_KIND,
  required: true,
};
const first = <T>(flags: ParsedFlags, name: string, kind: ValueKind<T>): T | undefined => {
  const raw = flags.args[name]![0];
  return raw === undefined ? undefined : (kind.parse(raw) as T);
};

/** `xqg worker` and `xqg status`: the two commands of a distributed run besides `xqg run --queue`. */
export const QUEUE_COMMANDS: Record<string, QueueCommand> = {
  worker: {
    summary: "take units of work of `xqg run --queue` off Redis and run them (any machine sharing `output`)",
    usage:
      "--queue URL [--concurrency N] [--threads N] [--device cpu|cuda|auto] [--idle-exit SECONDS] [--health-port N]",
    flags: {
      args: {
        queue: QUEUE,
        concurrency: { help: "units run at once by this worker (default: 1)", value: POSITIVE },
        device: {
          help: `where ONNX Runtime runs: ${Object.entries(DEVICES)
            .map(([name, what]) => `${name} (${what})`)
            .join("; ")} (default: the config's device)`,
          value: DEVICE,
        },
        idleExit: {
          help: "exit after this many seconds without a unit (default: run until stopped)",
          value: POSITIVE,
        },
        healthPort: {
          help: "serve GET /livez (the worker runs) and GET /readyz (its heartbeat reaches Redis) on this port, for probes",
          value: PORT,
        },
      },
      fields: {},
      shard: false,
      threads: "threads per unit (ONNX Runtime, index, search; default: the config's threads)",
    },
    async run(flags, ctx) {
      const concurrency = first(flags, "concurrency", POSITIVE);
      const idleExit = first(flags, "idleExit", POSITIVE);
      const device = first(flags, "device", DEVICE);
      const healthPort = first(flags, "healthPort", PORT);
      const worker = await (await loadQueue("xqg worker")).startWorker({
        queue: first(flags, "queue", URL_KIND)!,
        log: ctx.log,
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(device === undefined ? {} : { device }),
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
        ...(idleExit === undefined ? {} : { idleExitMs: idleExit * 1000 }),
        ...(healthPort === undefined ? {} : { healthPort }),
      });
      // SIGTERM / SIGINT (scale-down, preemption, Ctrl-C): the units in progress go back to the queue at once
      // rather than when their lock expires (bin.ts awaits this, then removes the leases and exits)
      const unregister = onInterrupt(async () => {
        const { handedBack, kept } = await worker.handBack();
        const parts = [
          handedBack.length > 0
            ? `handed back to the queue: ${handedBack.join(", ")}`
            : "no unit in progress",
        ];
        if (kept.length > 0)
          parts.push(`not handed back (run again when their lock expires): ${kept.join(", ")}`);
        return parts.join("; ");
      });
      try {
        await worker.closed;
      } finally {
        unregister();
      }
    },
  },
  status: {
    summary: "units of a distributed run: pending, active (worker, progress), done, failed (why)",
    usage: "--queue URL",
    flags: { args: { queue: QUEUE }, fields: {}, shard: false },
    async run(flags, ctx) {
      const { queueStatus } = await loadQueue("xqg status");
      ctx.stdout.write(await queueStatus(first(flags, "queue", URL_KIND)!));
    },
  },
};
