import type { StepModel, StepOutput } from "../src/step-model.js";

/** A decoder state of the fake model: each row's prompt and the tokens fed so far. */
export interface FakeRow {
  prompt: readonly number[];
  prefix: readonly number[];
}

export type LogitsFn = (prompt: readonly number[], prefix: readonly number[]) => ArrayLike<number>;

/**
 * A StepModel whose logits are a pure function of (prompt, tokens so far), so any decoding loop bug (a
 * wrong row after dropping, a cache not reordered with its beam, a sequence fed the wrong token) changes
 * the output. It records every call for assertions on batching.
 */
export function fakeModel(vocabSize: number, logitsFn: LogitsFn) {
  const calls = { start: [] as number[][][], next: [] as number[][], select: [] as number[][] };
  const output = (rows: FakeRow[]): StepOutput<FakeRow[]> => {
    const logits = new Float32Array(rows.length * vocabSize);
    rows.forEach((row, i) => {
      logits.set(Array.from(logitsFn(row.prompt, row.prefix)), i * vocabSize);
    });
    return { logits, vocabSize, cache: rows };
  };
  const model: StepModel<FakeRow[]> = {
    start: async (prompts) => {
      calls.start.push(prompts.map((p) => [...p]));
      return output(prompts.map((prompt) => ({ prompt, prefix: [] })));
    },
    next: async (cache, tokens) => {
      calls.next.push([...tokens]);
      if (tokens.length !== cache.length)
        throw new Error(`fed ${tokens.length} tokens to ${cache.length} rows`);
      return output(cache.map((row, i) => ({ prompt: row.prompt, prefix: [...row.prefix, tokens[i]!] })));
    },
    select: (cache, rows) => {
      calls.select.push([...rows]);
      return rows.map((r) => {
        const row = cache[r];
        if (!row) throw new Error(`select of row ${r} from ${cache.length}`);
        return row;
      });
    },
  };
  return { model, calls };
}

/** Deterministic pseudo-random logits in [-4, 4) from a string key (FNV-1a + xorshift). */
export function hashedLogits(vocabSize: number, key: string): Float32Array {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  const out = new Float32Array(vocabSize);
  for (let i = 0; i < vocabSize; i++) {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    out[i] = ((h >>> 0) / 4294967296) * 8 - 4;
  }
  return out;
}
