import { spawnSync } from "node:child_process";
import { ROOT } from "./workspace.js";

export interface ExecOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Allowed exit statuses (default: only 0). */
  ok?: number[];
}

export interface ExecResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion and returns its output; a status outside `ok` throws with the command and
 * the tail of both streams, so a failing check says what failed.
 */
export function exec(command: string, args: string[], options: ExecOptions): ExecResult {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  const result = { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  if (!(options.ok ?? [0]).includes(result.status)) {
    const tail = (s: string) => s.split("\n").slice(-60).join("\n");
    throw new Error(
      `\`${command} ${args.join(" ")}\` in ${options.cwd} exited with ${result.status}\n` +
        `--- stdout (tail)\n${tail(result.stdout)}\n--- stderr (tail)\n${tail(result.stderr)}`,
    );
  }
  return result;
}

/** The repository's pinned pnpm (installed on first use), whatever this machine has on PATH. */
export function pnpm(args: string[], options: ExecOptions): ExecResult {
  return exec("sh", [`${ROOT}/tooling/scripts/pnpm.sh`, ...args], options);
}

/**
 * The environment a user's shell would give a command: this process's, without what npm, pnpm and turbo add
 * for their children (npm_*, PNPM_*, TURBO_* variables), with the given overrides.
 */
export function userEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|TURBO_|VITEST|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...overrides };
}
