import { open } from "node:fs/promises";
import { type RunFormat, readPassages } from "@xqg/corpus";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import { type InputSettings, inputParams, readOptions } from "../settings/inputs.js";
import type { StageEnv } from "./common.js";
import { readRunFile } from "./evaluate.js";

/** What the passage-texts unit reads and writes, by system name. */
export interface PassageTextsIo {
  /** The run of each system evaluated with R@kt. */
  readonly runs: Readonly<Record<string, string>>;
  readonly runFormat?: RunFormat | undefined;
  readonly corpus: string;
  /** Per system, JSONL `{ docid, title: "", text }`: every passage its run ranks, in corpus order. */
  readonly outs: Readonly<Record<string, string>>;
  readonly manifest: string;
}

/** Bytes of text buffered per output before a write. */
const CHUNK = 1 << 20;

/**
 * The text of the passages each system ranked, from one pass over the corpus, for the evaluations (R@kt reads
 * passage text): each evaluation then reads its own small file instead of the whole corpus, and a system added
 * later leaves the other systems' files, and so their evaluations, as they were. A ranked docid the corpus lacks
 * is refused here, naming the run.
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
      outputs: names.map((n) => io.outs[n]!),
    },
    async (staged) => {
      // docid → the systems that rank it
      const rankedBy = new Map<string, string[]>();
      for (const name of names) {
        const run = await readRunFile(io.runs[name]!, io.runFormat);
        for (const scores of run.values())
          for (const docid of scores.keys()) {
            const systems = rankedBy.get(docid);
            if (!systems) rankedBy.set(docid, [name]);
            else if (systems.at(-1) !== name) systems.push(name);
          }
        env.signal?.throwIfAborted();
      }
      const files = new Map<string, { handle: Awaited<ReturnType<typeof open>>; chunk: string }>();
      try {
        for (const name of names)
          files.set(name, { handle: await open(staged(io.outs[name]!), "w"), chunk: "" });
        const found = new Set<string>();
        for await (const p of readPassages(io.corpus, readOptions(inputs).corpus)) {
          const systems = rankedBy.get(p.docid);
          if (!systems || found.has(p.docid)) continue;
          found.add(p.docid);
          const line = `${JSON.stringify({ docid: p.docid, title: "", text: p.text })}\n`;
          for (const name of systems) {
            const file = files.get(name)!;
            file.chunk += line;
            if (file.chunk.length >= CHUNK) {
              await file.handle.write(file.chunk);
              file.chunk = "";
              env.signal?.throwIfAborted();
            }
          }
        }
        for (const file of files.values()) await file.handle.write(file.chunk);
        for (const [docid, systems] of rankedBy) {
          if (!found.has(docid))
            throw new UserError(
              `${io.runs[systems[0]!]}: passage ${JSON.stringify(docid)} is not in ${io.corpus}`,
            );
        }
      } finally {
        await Promise.all([...files.values()].map((f) => f.handle.close()));
      }
    },
  );
}
