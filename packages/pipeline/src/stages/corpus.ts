import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import {
  diffPassages,
  type Passage,
  type PassageDelta,
  PassageFingerprint,
  readPassages,
  readPassagesWithDeltas,
  writePassages,
} from "@xqg/corpus";
import { deltaFile } from "../config.js";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import { type InputSettings, inputParams, readOptions } from "../settings/inputs.js";
import { type StageEnv, withInputHints } from "./common.js";

/** What the corpus unit reads and writes. */
export interface CorpusIo {
  /** The base corpus file (read with the config's corpusFormat and duplicates). */
  readonly base: string;
  /** The delta files, in the order they apply (absolute paths). */
  readonly deltas: readonly PassageDelta[];
  /** The effective corpus, JSONL `{docid, title, text}`. */
  readonly out: string;
  /** The docids of the base corpus that the effective corpus lacks (deleted, and not given again), one a line. */
  readonly deleted: string;
  readonly manifest: string;
}

/** The delta files by input role (`delta1`, `deletes2`, … by their place in the config's list). */
function deltaInputs(deltas: readonly PassageDelta[]): Record<string, string> {
  return Object.fromEntries(
    deltas.map((delta, i) => [
      `${typeof delta === "object" && "deletes" in delta ? "deletes" : "delta"}${i + 1}`,
      deltaFile(delta),
    ]),
  );
}

/**
 * The effective corpus of a base file and delta files (@xqg/corpus `readPassagesWithDeltas`), written once as
 * JSONL so that every unit that reads the corpus reads one file: a delta added later rewrites it, and the units
 * that reuse their previous outputs (generate, encode-passages, encode-generated) see only what changed. Beside
 * it, the base docids the effective corpus lacks, found by reading the base alongside (its passages come in
 * base order, the deltas' additions after them), for the qrels warning of the report.
 */
export async function corpusStage(
  env: StageEnv,
  io: CorpusIo,
  inputs: InputSettings,
): Promise<"ran" | "skipped"> {
  const read = readOptions(inputs).corpus;
  return withInputHints({ corpus: io.base }, () =>
    runStage(
      env,
      {
        stage: "corpus",
        manifest: io.manifest,
        inputs: { base: io.base, ...deltaInputs(io.deltas) },
        params: {
          ...inputParams(inputs, ["corpus"]),
          // a delta's format changes how it is read; its place in the list is its role
          deltas: io.deltas.map((delta) =>
            typeof delta === "object" && "format" in delta && delta.format ? delta.format : null,
          ),
        },
        packages: ["@xqg/corpus"],
        outputs: [io.out, io.deleted],
        // for `xqg plan`: the effective corpus it would write against the one it wrote, as the units that read it
        // will find them
        previewReuse: async () => {
          if (!existsSync(io.out)) return undefined;
          const before = await PassageFingerprint.from(readPassages(io.out), { signal: env.signal });
          const after = readPassagesWithDeltas(io.base, io.deltas, read);
          return (await diffPassages(before, after, { signal: env.signal })).counts;
        },
      },
      async (staged) => {
        const deleted = new Set<string>();
        const base = readPassages(io.base, read)[Symbol.asyncIterator]();
        let next = await base.next();
        async function* effective(): AsyncGenerator<Passage> {
          for await (const passage of readPassagesWithDeltas(io.base, io.deltas, read)) {
            env.signal?.throwIfAborted();
            // the base passages the effective corpus skipped over were deleted (an addition comes after them all)
            while (!next.done && next.value.docid !== passage.docid) {
              deleted.add(next.value.docid);
              next = await base.next();
            }
            if (!next.done) next = await base.next();
            // a docid deleted and then given again is appended: it is in the corpus after all
            else deleted.delete(passage.docid);
            yield passage;
          }
          for (; !next.done; next = await base.next()) deleted.add(next.value.docid);
        }
        const { records } = await writePassages(staged(io.out), effective(), { format: "jsonl" }).finally(
          () => base.return?.(),
        );
        if (records === 0)
          throw new UserError(
            `${io.base}: the delta files delete every passage of the corpus; the effective corpus would be empty`,
          );
        await writeFile(staged(io.deleted), [...deleted].map((docid) => `${docid}\n`).join(""));
        env.log.info(
          `corpus: ${records.toLocaleString("en")} passages after ${io.deltas.length} delta file${io.deltas.length === 1 ? "" : "s"} (${deleted.size.toLocaleString("en")} of the base deleted)`,
        );
      },
    ),
  );
}
