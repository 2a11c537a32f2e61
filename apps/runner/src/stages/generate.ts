import { readPassages, shard, shardRange, writeGeneratedQueries } from "@xqg/corpus";
import { createGenerator } from "@xqg/querygen";
import { runStage } from "../manifest.js";
import type { GenerateSettings } from "../settings/stages.js";
import type { ShardPart } from "../shard.js";
import { counted, localModel, passageCount, type StageEnv } from "./common.js";

export interface GenerateIo {
  readonly corpus: string;
  readonly generator: string;
  readonly out: string;
  readonly manifest: string;
}

/** Generated queries for one shard of the corpus (contiguous, in corpus order). */
export async function generateStage(
  env: StageEnv,
  io: GenerateIo,
  settings: GenerateSettings,
  part: ShardPart,
) {
  const { batchSize: _batch, ...params } = settings;
  const model = await localModel(io.generator, "seq2seq", env);
  return runStage(
    env,
    {
      stage: "generate",
      manifest: io.manifest,
      inputs: { corpus: io.corpus, generator: model },
      params: { ...params, shard: part },
      packages: ["@xqg/corpus", "@xqg/querygen", "@xqg/models"],
      outputs: [io.out],
    },
    async (staged) => {
      const total = await passageCount(env, io.corpus);
      const passages = shard(readPassages(io.corpus), { index: part.index, count: part.count, total });
      const generator = await createGenerator(model, {
        session: { intraOpThreads: env.threads },
        maxInputLength: settings.maxInputLength,
      });
      const progress = env.log.progress(label("generate", part), shardSize(total, part), "passages");
      try {
        const records = generator.generate(passages, {
          languages: settings.languages,
          ...(settings.perLanguage === undefined ? {} : { perLanguage: settings.perLanguage }),
          strategy: settings.strategy,
          seed: settings.seed,
          topK: settings.topK,
          topP: settings.topP,
          temperature: settings.temperature,
          ...(settings.numBeams === undefined ? {} : { numBeams: settings.numBeams }),
          maxLength: settings.maxLength,
          batchSize: settings.batchSize,
        });
        await writeGeneratedQueries(staged(io.out), counted(records, progress));
      } finally {
        progress.done();
        await generator.close();
      }
    },
  );
}

export function label(stage: string, part: ShardPart): string {
  return part.count === 1 ? stage : `${stage} ${part.index}/${part.count}`;
}

/** Rows in shard `index` of `count` over `total` items. */
export function shardSize(total: number, part: ShardPart): number {
  const { start, end } = shardRange({ index: part.index, count: part.count, total });
  return end - start;
}
