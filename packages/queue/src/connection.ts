import { UserError } from "@xqg/pipeline";
import { Redis } from "ioredis";

/** The environment variable a Redis password may come from when `--queue`'s URL has none. */
export const PASSWORD_ENV = "XQG_REDIS_PASSWORD";

/** Where the queue lives: a parsed `redis[s]://[user:password@]HOST:PORT[/DB]`. */
export interface QueueTarget {
  /** The URL as given, its password masked: what messages show. */
  readonly display: string;
  /** Connection settings for ioredis (BullMQ passes them on). */
  readonly options: RedisSettings;
  /** Where the password came from (messages say so, never what it is). */
  readonly passwordFrom: "the URL" | `$${typeof PASSWORD_ENV}` | undefined;
}

export interface RedisSettings {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: Record<string, never>;
}

/** Parses a queue URL; a bad one is a one-line UserError naming `where`. */
export function parseQueueUrl(raw: string, where = "--queue"): QueueTarget {
  const expected = "expected redis://[user:password@]HOST:PORT[/DB] (or rediss:// for TLS)";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`${where}: ${expected}, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new UserError(`${where}: ${expected}, got ${JSON.stringify(mask(url))}`);
  if (url.hostname === "")
    throw new UserError(`${where}: ${expected}: no host in ${JSON.stringify(mask(url))}`);
  const path = url.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d+$/.test(path))
    throw new UserError(`${where}: the database after the port must be a number (e.g. /0), got "/${path}"`);
  const port = url.port === "" ? 6379 : Number(url.port);
  const fromEnv = process.env[PASSWORD_ENV];
  const password = url.password !== "" ? decodeURIComponent(url.password) : fromEnv;
  const passwordFrom = url.password !== "" ? "the URL" : fromEnv ? (`$${PASSWORD_ENV}` as const) : undefined;
  const options: RedisSettings = {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    db: path === "" ? 0 : Number(path),
    ...(url.username !== "" ? { username: decodeURIComponent(url.username) } : {}),
    ...(password ? { password } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
  return { display: mask(url), options, passwordFrom };
}

function mask(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== "") copy.password = "***";
  return copy.href.replace(/\/$/, "");
}

/**
 * Connects once, fails fast: a Redis that is unreachable, refuses the password or is not Redis at all gives one
 * line (no stack trace) within `timeoutMs`, instead of BullMQ's endless reconnection attempts.
 */
export async function checkRedis(target: QueueTarget, timeoutMs = 5_000): Promise<void> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on("error", (error: Error) => {
    lastError = error;
  });
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref(),
  );
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      timer,
    ]);
  } catch (error) {
    const why = describeError((lastError ?? error) as Error, target);
    throw new UserError(`cannot use the queue at ${target.display}: ${why}`, { cause: error });
  } finally {
    client.disconnect();
  }
}

/** One line on why Redis could not be used; it never contains the password (Redis's replies do not either). */
function describeError(error: Error, target: QueueTarget): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message.split("\n")[0]!;
  if (code === "ECONNREFUSED") return "connection refused (is redis-server running there?)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host";
  if (/NOAUTH/.test(message))
    return `authentication failed: the server requires a password and none was given (put it in $${PASSWORD_ENV}, or in the URL as redis://:PASSWORD@HOST:PORT)`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message))
    return `authentication failed: wrong ${target.options.username ? "user name or " : ""}password (from ${target.passwordFrom ?? "nowhere"})`;
  if (/without any password configured|AUTH/.test(message))
    return `authentication failed: a password was given (from ${target.passwordFrom ?? "nowhere"}) but the server has none (${message})`;
  return target.options.password ? message.split(target.options.password).join("***") : message;
}
