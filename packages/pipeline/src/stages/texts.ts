import { open } from "node:fs/promises";
import { type RunFormat, readPassages } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import { type InputSettings, inputParams, readOptions } from "../settings/inputs.js";
import type { StageEnv } from "./common.js";
import { readRunFile } from "./evaluate.js";

/** What the passage-texts unit reads and writes. */
export interface PassageTextsIo {
  /** The runs of every system evaluated with R@kt, by system name. */
  readonly runs: Readonly<Record<string, string>>;
  readonly runFormat?: RunFormat | undefined;
  readonly corpus: string;
  /** JSONL `{ docid, title: "", text }`: every passage some run ranks, in corpus order. */
  readonly out: string;
  readonly manifest: string;
}

/**
 * The text of every passage any system ranked, in one pass over the corpus, for the evaluations (R@kt reads
 * passage text): each evaluation then reads this small file instead of the whole corpus. A ranked docid the
 * corpus lacks is refused here, naming the run.
 */
export async function passageTextsStage(
  env: StageEnv,
  io: PassageTextsIo,
  inputs: InputSettings,
): Promise<"ran" | "skipped"> {
  const names = Object.keys(io.runs).sort();
  return runStage(
    env,
    {
      stage: "passage-texts",
      manifest: io.manifest,
      inputs: { corpus: io.corpus, ...Object.fromEntries(names.map((n) => [`run.${n}`, io.runs[n]!])) },
      params: { ...inputParams(inputs, ["corpus"]), ...(io.runFormat ? { runFormat: io.runFormat } : {}) },
      packages: ["@xqg/corpus"],
      outputs: [io.out],
    },
    async (staged) => {
      const rankedBy = new Map<string, string>();
      for (const name of names) {
        const run = await readRunFile(io.runs[name]!, io.runFormat);
        for (const scores of run.values()) for (const docid of scores.keys()) rankedBy.set(docid, name);
        env.signal?.throwIfAborted();
      }
      const found = new Set<string>();
      const file = await open(staged(io.out), "w");
      try {
        let chunk = "";
        for await (const p of readPassages(io.corpus, readOptions(inputs).corpus)) {
          if (!rankedBy.has(p.docid) || found.has(p.docid)) continue;
          found.add(p.docid);
          chunk += `${JSON.stringify({ docid: p.docid, title: "", text: p.text })}\n`;
          if (chunk.length >= 1 << 20) {
            await file.write(chunk);
            chunk = "";
            env.signal?.throwIfAborted();
          }
        }
        await file.write(chunk);
      } finally {
        await file.close();
      }
      for (const [docid, name] of rankedBy) {
        if (!found.has(docid))
          throw new UserError(`${io.runs[name]}: passage ${JSON.stringify(docid)} is not in ${io.corpus}`);
      }
    },
  );
}
