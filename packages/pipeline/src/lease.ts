import { unlinkSync } from "node:fs";
import { link, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import type { Logger } from "./progress.js";

/**
 * A unit of work's lease: a lock file beside its manifest naming the holder (host, pid, start), which the
 * holder renews with a heartbeat (a counter it bumps). Another run takes the lease over only when the holder is
 * gone: on the same host, its pid no longer exists; elsewhere, the heartbeat has not changed for `timeoutMs` as
 * measured by the waiter's own clock — clocks of different hosts are never compared.
 */
export interface LeaseHolder {
  readonly host: string;
  readonly pid: number;
  /** When the holder started the unit (its own clock; shown to users, never compared). */
  readonly started: string;
  /** Bumped by every heartbeat. */
  readonly beat: number;
}

export interface LeaseOptions {
  readonly log: Logger;
  /** What the waiting message calls the unit (`encode (…/manifests/encode.json)`). */
  readonly label: string;
  /** How often the holder renews the lease (default 5 s; XQG_LEASE_HEARTBEAT_MS). */
  readonly heartbeatMs?: number;
  /** How long an unchanged heartbeat means the holder is gone (default 60 s; XQG_LEASE_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /**
   * How long a lease file may stay empty before it counts as abandoned (default 2 s). A holder writes its
   * lease within microseconds of creating it; a file that stays empty was left by a crash or a full disk.
   */
  readonly emptyMs?: number;
}

export interface Lease {
  release(): Promise<void>;
}

const held = new Set<string>();

/** Removes every lease this process holds (on SIGINT / SIGTERM, before exiting), and a renewal's temp file. */
export function releaseAllLeasesSync(): void {
  for (const path of held) {
    for (const file of [path, renewalTemp(path)]) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  }
  held.clear();
}

const envMs = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

export function leasePath(manifest: string): string {
  return `${manifest}.lease`;
}

/** Takes the lease of the unit whose manifest is `manifest`, waiting while a live holder has it. */
export async function acquireLease(manifest: string, options: LeaseOptions): Promise<Lease> {
  const path = leasePath(manifest);
  const heartbeatMs = options.heartbeatMs ?? envMs("XQG_LEASE_HEARTBEAT_MS", 5_000);
  const timeoutMs = options.timeoutMs ?? envMs("XQG_LEASE_TIMEOUT_MS", 60_000);
  const emptyMs = options.emptyMs ?? 2_000;
  const me = { host: hostname(), pid: process.pid, started: new Date().toISOString() };
  let seen: { text: string; since: number } | undefined;
  let emptySince: number | undefined;
  let told = false;
  for (;;) {
    if (await tryCreate(path, { ...me, beat: 0 })) break;
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue; // released meanwhile: try again at once
    const now = performance.now();
    if (text === "") {
      // just created and not yet written; or left empty by a crash or a full disk, which never gets written
      emptySince ??= now;
      if (now - emptySince < emptyMs) {
        await sleep(10);
        continue;
      }
      options.log.info(
        `${options.label}: its lease file ${path} has stayed empty (left by a crash or a full disk); taking it over`,
      );
      await takeOver(path, "");
      emptySince = undefined;
      continue;
    }
    emptySince = undefined;
    if (!seen || seen.text !== text) seen = { text, since: now };
    const holder = parseHolder(text);
    const gone =
      holder === undefined ||
      (holder.host === me.host && !isAlive(holder.pid)) ||
      now - seen.since >= timeoutMs;
    if (gone) {
      await takeOver(path, text);
      continue;
    }
    if (!told) {
      options.log.info(
        `${options.label}: waiting for ${holder.host}:${holder.pid} (working since ${holder.started}; ` +
          `taken over if its heartbeat stops for ${Math.round(timeoutMs / 1000)} s)`,
      );
      told = true;
    }
    await sleep(Math.min(heartbeatMs, 1_000));
  }
  held.add(path);
  let beat = 0;
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    beat++;
    renewing = renewing.then(() => renew(path, { ...me, beat })).catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await renewing;
      held.delete(path);
      await unlink(path).catch(() => undefined);
    },
  };
}

async function tryCreate(path: string, holder: LeaseHolder): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
  } catch (error) {
    // a full disk (ENOSPC) or a failing device: never leave an empty lease behind for others to wait on
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return true;
}

/** The holder rewrites its lease whole (temp + rename), so a reader never sees half of it. */
async function renew(path: string, holder: LeaseHolder): Promise<void> {
  const temp = renewalTemp(path);
  await writeFile(temp, `${JSON.stringify(holder)}\n`);
  await rename(temp, path);
}

const renewalTemp = (path: string): string => `${path}.${process.pid}.tmp`;

/**
 * Removes a dead holder's lease. Renaming it away first means that of two runs taking over at once only one
 * removes it (the other's rename fails), and a lease renewed meanwhile by a holder thought dead is kept.
 */
async function takeOver(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const text = await readFile(aside, "utf8").catch(() => "");
  if (text !== staleText) {
    // the holder renewed it after all: put it back unless a new lease exists (link never overwrites)
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

/** Whether a live holder has the lease of this unit now (false when there is none, or it is a dead one's). */
export async function isLeaseHeld(manifest: string): Promise<boolean> {
  const text = await readFile(leasePath(manifest), "utf8").catch(() => "");
  if (text === "") return false;
  const holder = parseHolder(text);
  if (!holder) return false;
  // another host's holder cannot be checked from here: assume it lives (its staging is its own business)
  return holder.host !== hostname() || isAlive(holder.pid);
}

function parseHolder(text: string): LeaseHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LeaseHolder>;
    if (typeof value.host === "string" && typeof value.pid === "number" && typeof value.started === "string")
      return { host: value.host, pid: value.pid, started: value.started, beat: Number(value.beat ?? 0) };
  } catch {
    // a torn or foreign file: treated as no holder
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
