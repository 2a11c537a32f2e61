import { readdir } from "node:fs/promises";

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Rejection of `promise`, which must reject. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/** Files in `dir`, sorted (temp files included, so leftovers show). */
export async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
