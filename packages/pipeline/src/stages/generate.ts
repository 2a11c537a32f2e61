import {
  type GeneratedQueries,
  PassageFingerprint,
  readGeneratedQueries,
  shard,
  writeGeneratedQueries,
} from "@xqg/corpus";
import { createGenerator } from "@xqg/querygen";
import { deviceOf, sessionOptions } from "../device.js";
import { UserError } from "../errors.js";
import { type PreviousRun, runStage } from "../manifest.js";
import {
  type InputSettings,
  inputParams,
  languageCodes,
  readOptions,
  splitInputs,
} from "../settings/inputs.js";
import type { GenerateSettings } from "../settings/stages.js";
import type { ShardPart } from "../shard.js";
import { counted, localModel, type StageEnv, withInputHints } from "./common.js";
import { corpusReuse, freshOnly, type Reuse, reuseLine, unitName } from "./incremental.js";

export interface GenerateIo {
  readonly corpus: string;
  readonly generator: string;
  readonly out: string;
  readonly manifest: string;
  /**
   * Where the fingerprint of the corpus goes (an output of the unit): with it, a later run whose only change is
   * the corpus generates for the added and changed passages only and takes the others' records from `out`.
   */
  readonly fingerprint?: string;
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
  const unit = unitName(io.manifest);
  const reuseOf = (previous: PreviousRun | undefined) =>
    corpusReuse(
      env,
      previous,
      { unit, corpus: io.corpus, outputs: [io.out], fingerprint: io.fingerprint },
      read.corpus,
      part,
    );
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
        outputs: io.fingerprint ? [io.out, io.fingerprint] : [io.out],
        ...(io.fingerprint
          ? {
              reusable: "corpus",
              previewReuse: async (previous) => (await reuseOf(previous)).reuse?.diff.counts,
            }
          : {}),
      },
      async (staged, previous) => {
        const { mine, reuse } = await reuseOf(previous);
        const corpus = mine.read;
        if (reuse) env.log.info(reuseLine(unit, reuse.diff));
        const total = reuse
          ? reuse.diff.counts.added + reuse.diff.counts.changed
          : shardSize(mine.total, part);
        const passages = reuse ? freshOnly(corpus(), reuse.diff.status) : corpus();
        const generator = await createGenerator(model, {
          session: sessionOptions(env),
          maxInputLength: settings.maxInputLength,
          ...(settings.variant === undefined ? {} : { variant: settings.variant }),
        });
        const progress = env.log.progress(label("generate", part), total, "passages");
        try {
          const fresh = generator.generate(passages, {
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
          const records = counted(fresh, progress);
          const languages = languageNames ? { languages: languageNames } : {};
          await writeGeneratedQueries(
            staged(io.out),
            reuse ? merged(reuse, readGeneratedQueries(io.out, languages), records, io.out) : records,
            languages,
          );
        } finally {
          progress.done();
          await generator.close();
        }
        if (io.fingerprint) {
          const made =
            reuse?.fingerprint ?? (await PassageFingerprint.from(corpus(), { signal: env.signal }));
          await made.save(staged(io.fingerprint));
        }
      },
    ),
  );
}

/**
 * The records of the new corpus in its order: an unchanged passage's from the previous output (`old`, read
 * forward once: `planReuse` checked that unchanged passages keep their order), the others from `fresh`.
 */
async function* merged<L extends string>(
  reuse: Reuse,
  old: AsyncIterable<GeneratedQueries<L>>,
  fresh: AsyncIterable<GeneratedQueries<L>>,
  file: string,
): AsyncIterable<GeneratedQueries<L>> {
  const before = old[Symbol.asyncIterator]();
  const made = fresh[Symbol.asyncIterator]();
  const { status, previous } = reuse.diff;
  let at = -1;
  let record: GeneratedQueries<L> | undefined;
  try {
    for (let i = 0; i < status.length; i++) {
      if (status[i] === 0) {
        while (at < previous[i]!) {
          const next = await before.next();
          if (next.done)
            throw new Error(`${file}: ends before record ${previous[i]! + 1} of its fingerprint`);
          record = next.value;
          at++;
        }
      } else {
        const next = await made.next();
        if (next.done) throw new Error(`bug: generation ended before passage ${i + 1}`);
        record = next.value;
      }
      if (record!.docid !== reuse.ids[i])
        throw new Error(
          `${file}: passage ${i + 1} is docid ${JSON.stringify(reuse.ids[i])} but its record is ${JSON.stringify(record!.docid)}; delete ${file} to generate again`,
        );
      yield record!;
    }
  } finally {
    await before.return?.();
    await made.return?.();
  }
}

export function label(stage: string, part: ShardPart): string {
  return part.count === 1 ? stage : `${stage} ${part.index}/${part.count}`;
}

/** Rows in shard `index` of `count` over `total` items. */
export function shardSize(total: number, part: ShardPart): number {
  const { start, end } = shard({ index: part.index, count: part.count, total });
  return end - start;
}
