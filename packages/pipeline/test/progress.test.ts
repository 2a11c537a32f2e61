import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, formatDuration } from "../src/progress.js";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (c) => {
    text += c;
  });
  return { stream, text: () => text };
}

describe("progress", () => {
  it("draws a bar with throughput and ETA on a terminal", () => {
    const out = capture();
    let now = 0;
    const log = createLogger({ stream: out.stream, tty: true, now: () => now });
    const bar = log.progress("encode", 100, "passages");
    now = 2000;
    bar.tick(50);
    now = 4000;
    bar.tick(50);
    bar.done();
    expect(out.text()).toBe(
      "\r\x1b[2Kencode [############------------] 50/100 passages (25.0 passages/s, ETA 2.0s)" +
        "\r\x1b[2Kencode [########################] 100/100 passages (25.0 passages/s, ETA 0.0s)" +
        "\r\x1b[2Kencode: 100 passages in 4.0s\n",
    );
  });

  it("writes a plain line every interval when not on a terminal, and nothing when quiet", () => {
    const out = capture();
    let now = 0;
    const log = createLogger({ stream: out.stream, tty: false, interval: 5000, now: () => now });
    const bar = log.progress("generate", 10, "passages");
    now = 1000;
    bar.tick(1);
    now = 6000;
    bar.tick(2);
    bar.done();
    log.info("report: done");
    expect(out.text()).toBe(
      "xqg: generate: 3/10 passages (0.5 passages/s, ETA 14s)\nxqg: generate: 3 passages in 6.0s\nxqg: report: done\n",
    );
    const quiet = capture();
    const silent = createLogger({ stream: quiet.stream, quiet: true });
    silent.progress("x", 1, "y").tick();
    silent.info("hidden");
    silent.warn("shown");
    expect(quiet.text()).toBe("xqg: warning: shown\n");
  });

  it("shows a note in place of its own rate and ETA, on a terminal and in plain lines", () => {
    const out = capture();
    let now = 0;
    const log = createLogger({ stream: out.stream, tty: false, interval: 5000, now: () => now });
    const bar = log.progress("queue", 4, "units");
    now = 6000;
    bar.tick(1);
    now = 7000;
    bar.note?.("ETA ≈ 3m00s across the workers"); // within the interval: nothing printed
    now = 12000;
    bar.note?.("ETA ≈ 2m50s across the workers");
    bar.done();
    expect(out.text()).toBe(
      "xqg: queue: 1/4 units (0.2 units/s, ETA 18s)\nxqg: queue: 1/4 units (ETA ≈ 2m50s across the workers)\nxqg: queue: 1 units in 12s\n",
    );
    const tty = capture();
    const bars = createLogger({ stream: tty.stream, tty: true, now: () => now });
    const drawn = bars.progress("queue", 2, "units");
    now += 200;
    drawn.note?.("ETA ≥ 5.0s across the workers");
    expect(tty.text()).toBe(
      "\r\x1b[2Kqueue [------------------------] 0/2 units (ETA ≥ 5.0s across the workers)",
    );
  });

  it("formats durations", () => {
    expect([5.25, 42, 125, 7384].map(formatDuration)).toEqual(["5.3s", "42s", "2m05s", "2h03m"]);
  });

  it("carries a part that rounds up to the next unit instead of printing 60", () => {
    const cases: [number, string][] = [
      [0, "0.0s"],
      [9.94, "9.9s"],
      [9.96, "10s"],
      [59.4, "59s"],
      [59.6, "1m00s"],
      [60, "1m00s"],
      [119.4, "1m59s"],
      [119.6, "2m00s"],
      [3599.4, "59m59s"],
      [3599.7, "1h00m"],
      [3600, "1h00m"],
      [3629, "1h00m"],
      [3631, "1h01m"],
      [7169, "1h59m"],
      [7199, "2h00m"],
      [Number.POSITIVE_INFINITY, "?"],
      [Number.NaN, "?"],
    ];
    expect(cases.map(([s]) => formatDuration(s))).toEqual(cases.map(([, text]) => text));
  });
});
