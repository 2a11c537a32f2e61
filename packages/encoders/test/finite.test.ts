import { fixtureDir } from "@xqg/fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { createEncoder, type Encoder } from "../src/index.js";

const dir = fixtureDir("tiny-bert");

interface FakeSession {
  run(feeds: unknown): Promise<Record<string, { data: Float32Array }>>;
}

/**
 * An encoder whose model outputs `value` at the first hidden value of its first batch (the CLS vector of that
 * batch's first row, whose column 0 CLS pooling reads): what a broken export or a float16 overflow gives.
 */
async function poisonedEncoder(value: number): Promise<Encoder> {
  const encoder = await createEncoder(dir, { warn: () => {} });
  const session = (encoder as unknown as { sides: { query: { session: FakeSession } } }).sides.query.session;
  const run = session.run.bind(session);
  let calls = 0;
  session.run = async (feeds) => {
    const result = await run(feeds);
    if (calls++ === 0) result["last_hidden_state"]!.data[0] = value;
    return result;
  };
  return encoder;
}

// Batches go longest first: the first batch's first row is the longest text, input 1.
const TEXTS = ["short", "a much longer question than the two others here", "a mid text"];

describe("non-finite encoder output", () => {
  const opened: Encoder[] = [];
  afterAll(() => Promise.all(opened.map((e) => e.close())));

  it("is a ModelError naming the model directory, the input and the column", async () => {
    const encoder = await poisonedEncoder(Number.NaN);
    opened.push(encoder);
    const error = await encoder.encode(TEXTS, { role: "query", batchSize: 1 }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: "ModelError", code: "non-finite" });
    expect((error as Error).message).toMatch(
      /tiny-bert: the embedding of input 1, column 0, is NaN; embeddings must be finite$/,
    );
  });

  it("names the record id in a stream", async () => {
    const encoder = await poisonedEncoder(Number.POSITIVE_INFINITY);
    opened.push(encoder);
    const records = TEXTS.map((text, i) => ({ id: `q${i}`, text }));
    const blocks = (async () => {
      for await (const _ of encoder.encodeStream(records, { role: "query", batchSize: 1 }));
    })();
    await expect(blocks).rejects.toThrow(
      /tiny-bert: the embedding of input 1 \(id "q1", record 1\), column 0, is Infinity; embeddings must be finite$/,
    );
  });
});
