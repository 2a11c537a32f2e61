import { describe, expect, it } from "vitest";
import { AnnError, Index } from "../src/index.js";
import { blockHits, exactHits, hitsOf } from "./hits.js";

// Four passages in 4 dimensions; row 2 ("c") is the best match of Q = (1, 1, 1, 1).
const P = new Float32Array([1, 0, 2, 0, 0, 3, 0, 1, 2, 2, 2, 2, -1, 0, 0, 4]);
const IDS = ["a", "b", "c", "d"];
const Q = new Float32Array([1, 1, 1, 1]);

/** `values` with `value` at `index`. */
const poisoned = (values: Float32Array, index: number, value: number) => {
  const out = values.slice();
  out[index] = value;
  return out;
};

async function thrown(action: () => unknown): Promise<AnnError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(AnnError);
    return error as AnnError;
  }
  throw new Error("expected an AnnError");
}

describe("NaN and ±Infinity", () => {
  it("are refused by Index.add, naming the row, its id and the column, and nothing is added", async () => {
    const index = Index.create({ dimensions: 4 });
    await index.add(IDS.slice(0, 1), P.subarray(0, 4));
    const error = await thrown(() =>
      index.add(IDS.slice(1), poisoned(P.subarray(4), 6, Number.POSITIVE_INFINITY)),
    );
    expect(error.message).toBe('vectors row 1 (id "c"), column 2: Infinity; vectors must be finite');
    expect([error.code, error.field]).toEqual(["non-finite", "vectors"]);
    expect([index.size, index.has("b"), index.has("c")]).toEqual([1, false, false]);
    // without the check an Inf row would rank first for this query; the clean rows go in
    await index.add(IDS.slice(1), P.subarray(4));
    expect(hitsOf(index.search(Q, 1)).ids).toEqual(["c"]);
  });

  it("are refused in queries by search, searchBatch and exactSearch", async () => {
    const index = Index.create({ dimensions: 4 });
    await index.add(IDS, P);
    expect((await thrown(() => index.search(poisoned(Q, 3, Number.NaN), 1))).message).toBe(
      "query, column 3: NaN; vectors must be finite",
    );
    const two = new Float32Array([...Q, ...Q]);
    const batchError = await thrown(() => index.searchBatch(poisoned(two, 4, Number.NEGATIVE_INFINITY), 1));
    expect(batchError.message).toBe("queries row 1, column 0: -Infinity; vectors must be finite");
    expect(batchError.field).toBe("queries");
    expect(
      (await thrown(() => exactHits(P, IDS, poisoned(two, 7, Number.NaN), 1, { dimensions: 4 }))).message,
    ).toBe("queries row 1, column 3: NaN; vectors must be finite");
    expect(
      (await thrown(() => exactHits(poisoned(P, 9, Number.NaN), IDS, Q, 1, { dimensions: 4 }))).message,
    ).toBe('matrix row 2 (id "c"), column 1: NaN; vectors must be finite');
  });

  it("are refused by exactSearch in a block (naming the matrix row) and in the queries", async () => {
    const blocks = [
      { start: 0, rows: P.subarray(0, 8) },
      { start: 2, rows: poisoned(P.subarray(8), 5, Number.POSITIVE_INFINITY) },
    ];
    await expect(blockHits(blocks, IDS, Q, 1, { dimensions: 4 })).rejects.toThrow(
      'matrix row 3 (id "d"), column 1: Infinity; vectors must be finite',
    );
    await expect(blockHits(blocks, (row) => `p${row}`, Q, 1, { dimensions: 4 })).rejects.toThrow(
      'matrix row 3 (id "p3"), column 1: Infinity; vectors must be finite',
    );
    await expect(blockHits([], [], poisoned(Q, 2, Number.NaN), 1, { dimensions: 4 })).rejects.toThrow(
      "queries row 0, column 2: NaN; vectors must be finite",
    );
  });
});

describe("a batch usearch refuses", () => {
  it("adds no id either, so the same ids can be added again", async () => {
    const index = Index.create({ dimensions: 4 });
    await index.add(IDS.slice(0, 1), P.subarray(0, 4));
    const native = (index as unknown as { native: { add: (...args: unknown[]) => void } }).native;
    const add = native.add.bind(native);
    native.add = () => {
      throw new Error("usearch: out of memory");
    };
    await expect(index.add(IDS.slice(1), P.subarray(4))).rejects.toThrow("usearch: out of memory");
    expect([index.size, index.has("b")]).toEqual([1, false]);
    native.add = add;
    await index.add(IDS.slice(1), P.subarray(4));
    expect([index.size, hitsOf(index.search(Q, 1)).ids]).toEqual([4, ["c"]]);
  });
});
