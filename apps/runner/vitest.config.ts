import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest's default (cores − 1) runs one file at a time on 2 cores, but these tests spend much of their time
    // waiting on the processes they start (xqg runs, workers, redis-server): two files at once take 185 s
    // where one at a time took 316 s on 2 cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
