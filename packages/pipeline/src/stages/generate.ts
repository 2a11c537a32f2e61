import { shard, writeGeneratedQueries } from "@xqg/corpus";
import { createGenerator } from "@xqg/querygen";
import { deviceOf, sessionOptions } from "../device.js";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import {
  type InputSettings,
  inputParams,
  languageCodes,
  readOptions,
  splitInputs,
} from "../settings/inputs.js";
import type { GenerateSettings } from "../settings/stages.js";
import type { ShardPart } from "../shard.js";
import { counted, localModel, type StageEnv, shardPassages, withInputHints } from "./common.js";

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
  settings: GenerateSettings & InputSettings,
  part: ShardPart,
) {
  const { stage, inputs } = splitInputs(settings);
  // the preset is recorded as the settings it resolved to (config.ts, cli/args.ts), not by name: a unit made
  // before presets existed, or with the same values given one by one, stays up to date
  const { batchSize: _batch, preset: _preset, ...params } = stage;
  const { languageNames } = inputs;
  const read = readOptions(inputs);
  const unknown = settings.languages.find((lang) => !languageCodes(inputs).includes(lang));
  if (unknown !== undefined) {
    throw new UserError(
      `generate.languages (--languages): unknown language ${JSON.stringify(unknown)}; expected some of ${languageCodes(inputs).join(", ")} (other languages: languages in the config, or --language-names code=Name)`,
    );
  }
  const model = await localModel(io.generator, "seq2seq", env);
  return withInputHints({ corpus: io.corpus }, () =>
    runStage(
      env,
      {
        stage: "generate",
        manifest: io.manifest,
        inputs: { corpus: io.corpus, generator: model },
        // the format changes what is read, the names what the prompts say
        params: {
          ...params,
          ...inputParams(inputs, ["corpus"]),
          ...(languageNames ? { languageNames } : {}),
          shard: part,
        },
        packages: ["@xqg/corpus", "@xqg/querygen", "@xqg/models"],
        device: deviceOf(env),
        outputs: [io.out],
      },
      async (staged) => {
        const { total, passages } = await shardPassages(env, io.corpus, read.corpus, part);
        const generator = await createGenerator(model, {
          session: sessionOptions(env),
          maxInputLength: settings.maxInputLength,
          ...(settings.variant === undefined ? {} : { variant: settings.variant }),
        });
        const progress = env.log.progress(label("generate", part), shardSize(total, part), "passages");
        try {
          const records = generator.generate(passages, {
            languages: settings.languages,
            ...(languageNames ? { languageNames } : {}),
            ...(settings.perLanguage === undefined ? {} : { perLanguage: settings.perLanguage }),
            strategy: settings.strategy,
            seed: settings.seed,
            topK: settings.topK,
            topP: settings.topP,
            temperature: settings.temperature,
            ...(settings.numBeams === undefined ? {} : { numBeams: settings.numBeams }),
            maxLength: settings.maxLength,
            batchSize: settings.batchSize,
            signal: env.signal,
          });
          await writeGeneratedQueries(
            staged(io.out),
            counted(records, progress),
            languageNames ? { languages: languageNames } : {},
          );
        } finally {
          progress.done();
          await generator.close();
        }
      },
    ),
  );
}

export function label(stage: string, part: ShardPart): string {
  return part.count === 1 ? stage : `${stage} ${part.index}/${part.count}`;
}

/** Rows in shard `index` of `count` over `total` items. */
export function shardSize(total: number, part: ShardPart): number {
  const { start, end } = shard({ index: part.index, count: part.count, total });
  return end - start;
}
