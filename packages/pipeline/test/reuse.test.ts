// planReuse: the diff of a unit's input against its previous fingerprint, shared by the two units of a run that
// diff the same input against the same fingerprint (a part's generate and encode-passages).
import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Passage, PassageFingerprint } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { Hasher } from "../src/hash.js";
import { createLogger } from "../src/progress.js";
import type { StageEnv } from "../src/stages/common.js";
import { planReuse } from "../src/stages/incremental.js";

/** A unit's environment with its own hasher (a run's), logging nothing. */
const quietEnv = async (): Promise<StageEnv> => ({
  hasher: await Hasher.open(),
  log: createLogger({ quiet: true }),
  force: false,
  threads: 1,
});

const passage = (docid: string, text = `text of ${docid}`): Passage => ({ docid, title: "", text });

describe("planReuse", () => {
  it("two units with the same input and fingerprint read the input once; a third reads it again", async () => {
    await withTempDir(async (dir) => {
      const before = ["a", "b", "c", "d"].map((id) => passage(id));
      const after = [passage("a"), passage("c", "edited"), passage("d"), passage("e")];
      const [fpA, fpB, fpC] = ["a", "b", "c"].map((unit) => join(dir, `${unit}.out.fingerprint`));
      await (await PassageFingerprint.from(before)).save(fpA!);
      await copyFile(fpA!, fpB!);
      await copyFile(fpA!, fpC!);
      const outputs = ["a", "b", "c"].map((unit) => join(dir, `${unit}.out`));
      for (const out of outputs) await writeFile(out, "x");
      let reads = 0;
      const current = async function* () {
        reads++;
        yield* after;
      };
      const env = await quietEnv();
      const reuse = (i: number, input: string) =>
        planReuse(
          env,
          { sameInput: false, outputs: new Set([outputs[i]!, [fpA, fpB, fpC][i]!]) },
          { unit: `u${i}`, outputs: [outputs[i]!], fingerprint: [fpA, fpB, fpC][i]!, input },
          current,
        );
      const first = await reuse(0, "corpus@1");
      expect(first!.diff.counts).toEqual({ unchanged: 2, added: 1, changed: 1, removed: 1 });
      expect(first!.ids).toEqual(["a", "c", "d", "e"]);
      expect(reads).toBe(1);
      const second = await reuse(1, "corpus@1");
      expect(reads).toBe(1);
      expect(second!.diff).toBe(first!.diff);
      // taken twice, it is let go: the next unit diffs anew
      const third = await reuse(2, "corpus@1");
      expect(reads).toBe(2);
      expect(third!.diff.counts).toEqual(first!.diff.counts);
      // another input (another shard, other read options) never shares
      await reuse(0, "corpus@1 shard 1");
      await reuse(1, "corpus@1 shard 2");
      expect(reads).toBe(4);
    });
  });

  it("another fingerprint (another previous input) never shares", async () => {
    await withTempDir(async (dir) => {
      const [fpA, fpB] = [join(dir, "a.fingerprint"), join(dir, "b.fingerprint")];
      await (await PassageFingerprint.from([passage("a"), passage("b")])).save(fpA);
      await (await PassageFingerprint.from([passage("a")])).save(fpB);
      const out = join(dir, "out");
      await writeFile(out, "x");
      let reads = 0;
      const current = async function* () {
        reads++;
        yield passage("a");
        yield passage("b");
      };
      const env = await quietEnv();
      const reuse = (fingerprint: string) =>
        planReuse(
          env,
          { sameInput: false, outputs: new Set([out, fingerprint]) },
          { unit: "u", outputs: [out], fingerprint, input: "corpus@1" },
          current,
        );
      expect((await reuse(fpA))!.diff.counts).toEqual({ unchanged: 2, added: 0, changed: 0, removed: 0 });
      expect((await reuse(fpB))!.diff.counts).toEqual({ unchanged: 1, added: 1, changed: 0, removed: 0 });
      expect(reads).toBe(2);
    });
  });
});
