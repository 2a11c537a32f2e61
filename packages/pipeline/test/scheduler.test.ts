import { describe, expect, it } from "vitest";
import { localExecutor } from "../src/executor.js";
import type { Plan, Unit } from "../src/plan.js";
import { Scheduler } from "../src/scheduler.js";
import type { StageEnv } from "../src/stages/common.js";

const unit = (key: string, ...deps: string[]) => ({ key, deps });
// a diamond and a tail: a → (b, c) → d → e; f alone
const UNITS = [unit("a"), unit("b", "a"), unit("c", "a"), unit("d", "b", "c"), unit("e", "d"), unit("f")];

describe("Scheduler", () => {
  it("makes a unit ready once every dependency is done, in plan order", () => {
    const s = new Scheduler(UNITS);
    expect(s.ready().map((u) => u.key)).toEqual(["a", "f"]);
    s.start("a");
    expect(s.ready().map((u) => u.key)).toEqual(["f"]);
    s.finish("a");
    expect(s.ready().map((u) => u.key)).toEqual(["b", "c", "f"]);
    for (const key of ["b", "c"]) s.start(key);
    s.finish("b");
    expect(s.status("d")).toBe("waiting");
    s.finish("c");
    expect(s.status("d")).toBe("ready");
    expect(s.counts()).toEqual({ waiting: 1, ready: 2, running: 0, done: 3, failed: 0, blocked: 0 });
  });

  it("blocks everything after a failure, and settles", () => {
    const s = new Scheduler(UNITS);
    s.start("a");
    expect(s.fail("a").sort()).toEqual(["b", "c", "d", "e"]);
    expect(s.settled).toBe(false);
    s.start("f");
    s.finish("f");
    expect(s.settled).toBe(true);
  });

  it("refuses transitions that skip a state", () => {
    const s = new Scheduler(UNITS);
    expect(() => s.finish("a")).toThrow("bug: unit a is ready, not running");
    expect(() => s.start("d")).toThrow("bug: unit d is waiting, not ready");
  });
});

describe("localExecutor", () => {
  const plan: Plan = { units: UNITS as unknown as Unit[], ends: "done", digest: "" };
  const env = {} as StageEnv;

  it("runs one unit at a time in plan order by default", async () => {
    const order: string[] = [];
    const executor = localExecutor({
      run: async (u) => {
        order.push(u.key);
        return "ran";
      },
    });
    expect(await executor.execute(plan, env)).toEqual({ ran: ["a", "b", "c", "d", "e", "f"], skipped: [] });
    expect(order).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("runs independent units at the same time, never more than asked, never before their dependencies", async () => {
    let active = 0;
    let peak = 0;
    const finished = new Set<string>();
    const executor = localExecutor({
      concurrency: 2,
      run: async (u) => {
        for (const dep of u.deps) expect(finished.has(dep)).toBe(true);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        finished.add(u.key);
        return "skipped";
      },
    });
    const result = await executor.execute(plan, env);
    expect(peak).toBe(2);
    expect([...result.skipped].sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("stops at the first failure: nothing new starts, and the failure is thrown", async () => {
    const started: string[] = [];
    const executor = localExecutor({
      run: async (u) => {
        started.push(u.key);
        if (u.key === "b") throw new Error("b broke");
        return "ran";
      },
    });
    await expect(executor.execute(plan, env)).rejects.toThrow("b broke");
    expect(started).toEqual(["a", "b"]);
  });

  it("hands its signal to the units it runs, so that their package calls stop too", async () => {
    const controller = new AbortController();
    const seen: Array<AbortSignal | undefined> = [];
    const executor = localExecutor({
      run: async (_u, unitEnv) => {
        seen.push(unitEnv.signal);
        return "ran";
      },
    });
    await executor.execute(plan, env, { signal: controller.signal });
    expect(seen.length).toBe(6);
    expect(seen.every((s) => s === controller.signal)).toBe(true);
  });

  it("stops between units when its signal is aborted", async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const executor = localExecutor({
      run: async (u) => {
        started.push(u.key);
        if (u.key === "a") controller.abort();
        return "ran";
      },
    });
    await expect(executor.execute(plan, env, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(started).toEqual(["a"]);
  });
});
