import { describe, expect, it } from "vitest";
import { RunEstimate } from "../src/eta.js";

const s = (seconds: number) => seconds * 1000;

/** 4 generation shards, 4 Σq shards, a merge: the shape of a sharded run. */
const UNITS = [
  ...[0, 1, 2, 3].map((i) => ({ key: `generate.shard-${i}`, stage: "generate" })),
  ...[0, 1, 2, 3].map((i) => ({ key: `encode-generated.shard-${i}`, stage: "encode-generated" })),
  { key: "merge-sums", stage: "merge-sums" },
];

describe("the coordinator's estimate of the time left", () => {
  it("knows nothing before a unit has run or reported progress", () => {
    const estimate = new RunEstimate(UNITS);
    expect(estimate.estimate(0)).toEqual({ seconds: undefined, lowerBound: true });
    estimate.started("generate.shard-0", 0);
    expect(estimate.estimate(s(10))).toEqual({ seconds: undefined, lowerBound: true });
  });

  it("extrapolates running units from their own progress and spreads the work over the workers seen busy", () => {
    const estimate = new RunEstimate(UNITS);
    estimate.started("generate.shard-0", 0);
    estimate.started("generate.shard-1", 0);
    // a quarter done after 100 s: 300 s left each; shards 2 and 3 not started take 400 s each
    estimate.progressed("generate.shard-0", 25, 100);
    estimate.progressed("generate.shard-1", 50, 200);
    const now = s(100);
    // 2 × 300 + 2 × 400 = 1400 s of generation over 2 workers; Σq and the merge unknown: a lower bound
    expect(estimate.estimate(now)).toEqual({ seconds: 700, lowerBound: true });
  });

  it("uses each stage's finished units for the units not started, and says when all is measured", () => {
    const estimate = new RunEstimate(UNITS);
    for (const i of [0, 1, 2, 3]) estimate.started(`generate.shard-${i}`, 0);
    for (const i of [0, 1, 2, 3]) estimate.finished(`generate.shard-${i}`, 100 + i * 20); // mean 130 s
    estimate.started("encode-generated.shard-0", s(130));
    estimate.finished("encode-generated.shard-0", 10);
    estimate.started("encode-generated.shard-1", s(130));
    estimate.started("merge-sums", s(0));
    estimate.finished("merge-sums", 2);
    // running Σq shard 1 without progress: the stage's mean (10 s) less its 4 s; shards 2 and 3: 10 s each;
    // 4 workers seen busy at once: 26 s of work / 4, but never less than the longest running remainder (6 s)
    expect(estimate.estimate(s(134))).toEqual({ seconds: 6.5, lowerBound: false });
    expect(estimate.estimate(s(200))).toEqual({ seconds: 5, lowerBound: false });
  });

  it("is never less than the longest running unit's own remainder", () => {
    const estimate = new RunEstimate(UNITS);
    for (const i of [0, 1, 2, 3]) estimate.started(`generate.shard-${i}`, 0);
    for (const i of [1, 2, 3]) estimate.finished(`generate.shard-${i}`, 10);
    estimate.progressed("generate.shard-0", 1, 10); // 10% after 100 s: 900 s left, one unit, one worker
    for (const u of UNITS.slice(4)) estimate.dropped(u.key);
    expect(estimate.estimate(s(100))).toEqual({ seconds: 900, lowerBound: false });
  });

  it("restarts a unit's clock when it starts again, and ignores progress without a total and unknown units", () => {
    const estimate = new RunEstimate(UNITS.slice(0, 1));
    estimate.started("generate.shard-0", 0);
    estimate.progressed("generate.shard-0", 50, 100);
    estimate.started("generate.shard-0", s(100)); // handed back and taken again: no progress yet
    estimate.progressed("generate.shard-0", 5, null);
    estimate.started("no-such-unit", 0);
    estimate.finished("no-such-unit", 5);
    expect(estimate.estimate(s(110))).toEqual({ seconds: undefined, lowerBound: true });
    estimate.progressed("generate.shard-0", 20, 100);
    expect(estimate.estimate(s(110))).toEqual({ seconds: 40, lowerBound: false });
  });

  it("counts a unit on a gone worker as not started (no progress from its elapsed time), says how many, and undoes it when the unit starts again", () => {
    const estimate = new RunEstimate(UNITS.slice(0, 2));
    estimate.started("generate.shard-0", 0);
    estimate.started("generate.shard-1", 0);
    estimate.progressed("generate.shard-0", 50, 100); // 100 s left at 100 s
    estimate.progressed("generate.shard-1", 50, 100);
    expect(estimate.estimate(s(100))).toEqual({ seconds: 100, lowerBound: false });
    // shard 1's worker is gone: its half done is lost; it runs again from scratch, at the stage's 200 s
    estimate.orphaned("generate.shard-1", true);
    expect(estimate.estimate(s(100))).toEqual({ seconds: 150, lowerBound: false, orphaned: 1 });
    // time passing does not make the orphan progress: it stays at the stage's mean (shard 0: 75% at 150 s)
    estimate.progressed("generate.shard-0", 75, 100);
    expect(estimate.estimate(s(150))).toEqual({ seconds: 125, lowerBound: false, orphaned: 1 });
    // without a measured stage, it is unknown: a lower bound
    const alone = new RunEstimate(UNITS.slice(0, 1));
    alone.active("generate.shard-0", 0); // a start the events missed, found active in the queue
    alone.orphaned("generate.shard-0", true);
    expect(alone.estimate(s(10))).toEqual({ seconds: undefined, lowerBound: true, orphaned: 1 });
    // taken by another worker: a fresh start, progressing again (10% in 10 s: 90 s left); seen active again
    // later, its clock is kept
    estimate.started("generate.shard-1", s(200));
    estimate.active("generate.shard-1", s(205));
    estimate.progressed("generate.shard-1", 10, 100);
    estimate.progressed("generate.shard-0", 100, 100);
    expect(estimate.estimate(s(210))).toEqual({ seconds: 90, lowerBound: false });
  });
});
