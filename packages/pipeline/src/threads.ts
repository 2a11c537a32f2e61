import { availableParallelism } from "node:os";

/** How many threads per core a unit may ask for: more only costs memory and time (each has its own stack). */
const PER_CORE = 4;

/** The most threads this machine accepts for a unit: 4 × its cores. */
export function maxThreads(cores = availableParallelism()): number {
  return PER_CORE * cores;
}

/**
 * Why `threads` is refused on this machine, or undefined when it is fine. ONNX Runtime starts every thread it is
 * asked for (100,000 threads took 16.5 GB and ignored SIGTERM for minutes), so a typo must stop before any work.
 */
export function threadsProblem(threads: number, cores = availableParallelism()): string | undefined {
  const max = maxThreads(cores);
  if (threads <= max) return undefined;
  return (
    `${threads.toLocaleString("en")} threads is more than ${PER_CORE} × the ${cores} cores of this machine ` +
    `(at most ${max}); use 0 for all cores`
  );
}
