import { describe, expect, it } from "vitest";
import { jobIdOf, planIdOf, versionMismatch } from "../src/jobs.js";

describe("jobs", () => {
  const versions = { "@xqg/pipeline": "0.1.0", "onnxruntime-node": "1.23.2" };

  it("a plan's id is its digest with the code versions: same plan and code, same id; --force, a fresh one", () => {
    const id = planIdOf("digest-a", versions, false);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(planIdOf("digest-a", { ...versions }, false)).toBe(id);
    expect(planIdOf("digest-b", versions, false)).not.toBe(id);
    expect(planIdOf("digest-a", { ...versions, "onnxruntime-node": "1.24.0" }, false)).not.toBe(id);
    expect(planIdOf("digest-a", versions, true)).not.toBe(planIdOf("digest-a", versions, true));
  });

  it("the inputs' digests are part of the id: a changed corpus at the same path is another run", () => {
    const inputs = { corpus: "a".repeat(64), queries: "b".repeat(64) };
    const id = planIdOf("digest-a", versions, false, inputs);
    expect(planIdOf("digest-a", versions, false, { ...inputs })).toBe(id);
    expect(planIdOf("digest-a", versions, false, { ...inputs, corpus: "c".repeat(64) })).not.toBe(id);
    expect(planIdOf("digest-a", versions, false)).not.toBe(id);
  });

  it("a job's id is the plan's id and the unit's key, with no ':' (BullMQ reserves it)", () => {
    expect(jobIdOf("0123456789abcdef", "search.alpha-0.5.rows-1-of-4")).toBe(
      "0123456789abcdef.search.alpha-0.5.rows-1-of-4",
    );
  });

  it("version differences name both sides, sorted, a package missing on one side as (none)", () => {
    expect(versionMismatch({ b: "2", a: "1" }, { a: "1", b: "3", c: "4" })).toEqual([
      "b 2 (coordinator) vs 3 (this worker)",
      "c (none) (coordinator) vs 4 (this worker)",
    ]);
    expect(versionMismatch(versions, { ...versions })).toEqual([]);
  });
});
