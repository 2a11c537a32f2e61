import { createServer, type Server } from "node:http";
import { UserError } from "@xqg/pipeline";
import type { Heartbeat } from "./liveness.js";

/**
 * `xqg worker --health-port N`: a small HTTP endpoint for probes (Kubernetes `httpGet`, a load balancer, curl).
 * An HTTP probe rather than an exec one: the kubelet calls it without starting a process (an exec probe would
 * start Node and load the CLI in the worker's container every period, competing with the unit for its CPUs),
 * and it answers from the worker's own state, which no outside command can see.
 *
 * - `GET /livez`: 200 while the worker runs and its event loop answers (a wedged process times out); 503 once it
 *   has stopped. For a liveness probe: restarting a worker because Redis is away would only kill its unit.
 * - `GET /readyz`: 200 when the worker's last heartbeat reached Redis within the heartbeat's time to live (it can
 *   take units and the queue sees it alive); 503 and one line saying why otherwise (the queue URL without its
 *   password). For a readiness or startup probe, and for monitoring.
 */
/** The endpoint's paths (the deployment files' probes name them; a test checks they match). */
export const HEALTH_PATHS = { live: "/livez", ready: "/readyz" } as const;

export interface HealthState {
  readonly heartbeat: Heartbeat;
  readonly ttlMs: number;
  /** The queue URL as messages show it (password masked). */
  readonly display: string;
  readonly worker: string;
  running(): boolean;
}

export async function startHealthServer(port: number, state: HealthState): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const reply = (code: number, text: string) => {
      response.writeHead(code, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      response.end(`${text}\n`);
    };
    if (request.method !== "GET" && request.method !== "HEAD") return reply(405, "GET only");
    if (path === HEALTH_PATHS.live) {
      return state.running()
        ? reply(200, `ok: worker ${state.worker} running`)
        : reply(503, `worker ${state.worker} has stopped`);
    }
    if (path === HEALTH_PATHS.ready) {
      if (!state.running()) return reply(503, `worker ${state.worker} has stopped`);
      const last = state.heartbeat.lastOk();
      const age = last === undefined ? undefined : performance.now() - last;
      if (age !== undefined && age <= state.ttlMs)
        return reply(
          200,
          `ok: worker ${state.worker}, heartbeat to ${state.display} ${Math.round(age / 1000)} s ago`,
        );
      const why = state.heartbeat.lastError() ?? "no answer";
      return reply(
        503,
        `worker ${state.worker}: no heartbeat reached ${state.display} ${
          age === undefined ? "yet" : `for ${Math.round(age / 1000)} s`
        } (${why})`,
      );
    }
    return reply(404, `not found: GET ${HEALTH_PATHS.live} or ${HEALTH_PATHS.ready}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new UserError(
          `--health-port ${port}: ${error.code === "EADDRINUSE" ? "the port is in use" : error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(port, () => resolve());
  });
  server.unref();
  return server;
}
