import { describe, expect, it } from "vitest";
import {
  checkOptions,
  checkRecord,
  isXqgError,
  nearestName,
  rankedDocids,
  scoreOfRank,
} from "../src/index.js";

describe("Run conventions", () => {
  it("scores an unscored ranking by -rank, so ordering by score gives the ranking back", () => {
    const scores = new Map(["d3", "d1", "d2"].map((d, i) => [d, scoreOfRank(i + 1)]));
    expect([...scores.values()]).toEqual([-1, -2, -3]);
    expect(rankedDocids(scores)).toEqual(["d3", "d1", "d2"]);
  });

  it("orders as trec_eval: score descending, ties by docid descending", () => {
    const scores = new Map([
      ["a", 1],
      ["c", 2],
      ["b", 2],
      ["z", 0.5],
    ]);
    expect(rankedDocids(scores)).toEqual(["c", "b", "a", "z"]);
  });
});

describe("checkOptions", () => {
  it("names an unknown option and the nearest known one", () => {
    let error: unknown;
    try {
      checkOptions({ batchsize: 8 }, ["batchSize", "signal"], "encode");
    } catch (e) {
      error = e;
    }
    expect(isXqgError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'encode: unknown option "batchsize" (did you mean "batchSize"?); known: batchSize, signal',
    );
    expect(error).toMatchObject({ code: "unknown-option", field: "batchsize" });
  });

  it("passes known options and undefined through unchanged", () => {
    const options = { signal: undefined };
    expect(checkOptions(options, ["signal"], "x")).toBe(options);
    expect(checkOptions(undefined, ["signal"], "x")).toBeUndefined();
  });

  it("refuses a non-object", () => {
    expect(() => checkOptions(5 as unknown as object, ["a"], "x")).toThrow(
      "x: options must be an object, got a number",
    );
  });
});

describe("checkRecord", () => {
  it("names a missing field and the record's nearest field", () => {
    expect(() =>
      checkRecord(
        { qid: "q", docid: "d", rel: 1 },
        { qid: "string", docid: "string", relevance: "number" },
        "qrels",
      ),
    ).toThrow('qrels: field "relevance" must be a number; found none (the record has qid, docid, rel)');
  });

  it("names a field of the wrong kind", () => {
    expect(() => checkRecord({ qid: 7 }, { qid: "string" }, "run")).toThrow(
      'run: field "qid" must be a string; found a number',
    );
    expect(() => checkRecord({ score: Number.NaN }, { score: "number" }, "run")).toThrow(
      'run: field "score" must be a number; found NaN',
    );
  });

  it("accepts a good record", () => {
    expect(() =>
      checkRecord(
        { qid: "q", n: 1, ok: true, xs: [] },
        { qid: "string", n: "number", ok: "boolean", xs: "array" },
        "r",
      ),
    ).not.toThrow();
  });
});

describe("nearestName", () => {
  it("suggests only likely typos", () => {
    expect(nearestName("evalute", ["evaluate", "search"])).toBe("evaluate");
    expect(nearestName("xyz", ["evaluate", "search"])).toBeUndefined();
    // a swap of two neighbouring letters is one edit
    expect(nearestName("dpeth", ["depth", "batchSize"])).toBe("depth");
    expect(nearestName("thraeds", ["threads", "shards"])).toBe("threads");
  });
});
