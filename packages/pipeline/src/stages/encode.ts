import { idsPath, writeIds } from "@xqg/core";
import {
  CorpusError,
  createNpyWriter,
  LANGUAGES,
  type Lang,
  type Passage,
  readGeneratedQueries,
  readQueries,
  shard,
} from "@xqg/corpus";
import { createEncoder, type Encoder } from "@xqg/encoders";
import { querySumFiles, sumQueries, updateQuerySums, updateRows } from "@xqg/fusion";
import { deviceOf, sessionOptions } from "../device.js";
import { UserError } from "../errors.js";
import { type PreviousRun, runStage } from "../manifest.js";
import {
  checkQueriesLang,
  type InputSettings,
  inputParams,
  readOptions,
  splitInputs,
} from "../settings/inputs.js";
import type { EncodeSettings } from "../settings/stages.js";
import { type ShardPart, WHOLE } from "../shard.js";
import {
  counted,
  generatedIndex,
  localModel,
  passageCount,
  type StageEnv,
  withInputHints,
} from "./common.js";
import { label, shardSize } from "./generate.js";
import {
  corpusReuse,
  finishReuse,
  freshOnly,
  planReuse,
  recordAsPassage,
  reuseLine,
  scratchPath,
  unitName,
} from "./incremental.js";

export interface EncoderDirs {
  readonly query: string;
  readonly passage: string;
}

const PACKAGES = ["@xqg/corpus", "@xqg/encoders", "@xqg/models"];

/** The encoder's parameters, without those of the input files (each role adds its own). */
function encoderParams(settings: EncodeSettings & InputSettings) {
  const {
    batchSize: _batch,
    limit: _limit,
    sumLanguages: _languages,
    ...params
  } = splitInputs(settings).stage;
  return params;
}

/** The encoder options of one role, from the stage's settings. */
function encodeOptions(settings: EncodeSettings, role: "query" | "passage") {
  return {
    role,
    maxLength: role === "query" ? settings.queryMaxLength : settings.passageMaxLength,
    pooling: settings.pooling,
    normalize: settings.normalize,
    batchSize: settings.batchSize,
  };
}

function modelInputs(dirs: EncoderDirs): Record<string, string> {
  return dirs.query === dirs.passage
    ? { encoder: dirs.query }
    : { queryEncoder: dirs.query, passageEncoder: dirs.passage };
}

/** The encoder directories, each Hugging Face id among them (`org/name`) as its snapshot in the hub cache. */
async function localEncoders(dirs: EncoderDirs, env: StageEnv): Promise<EncoderDirs> {
  const query = await localModel(dirs.query, "encoder", env);
  return {
    query,
    passage: dirs.passage === dirs.query ? query : await localModel(dirs.passage, "encoder", env),
  };
}

async function openEncoder(dirs: EncoderDirs, env: StageEnv, variant: string | undefined): Promise<Encoder> {
  const target = dirs.query === dirs.passage ? dirs.query : { query: dirs.query, passage: dirs.passage };
  return createEncoder(target, {
    session: sessionOptions(env),
    ...(variant === undefined ? {} : { variant }),
  });
}

/** Passage embeddings P (`out`, plus the docids sidecar) for one shard of the corpus. */
export async function encodePassagesStage(
  env: StageEnv,
  io: {
    corpus: string;
    encoder: EncoderDirs;
    out: string;
    manifest: string;
    /** Where the corpus's fingerprint goes: a later run whose only change is the corpus encodes only what changed. */
    fingerprint?: string;
  },
  settings: EncodeSettings & InputSettings,
  part: ShardPart,
) {
  const models = await localEncoders(io.encoder, env);
  const read = readOptions(settings);
  const unit = unitName(io.manifest);
  const reuseOf = (previous: PreviousRun | undefined) =>
    corpusReuse(
      env,
      previous,
      { unit, corpus: io.corpus, outputs: [io.out, idsPath(io.out)], fingerprint: io.fingerprint },
      read.corpus,
      part,
    );
  return withInputHints({ corpus: io.corpus }, () =>
    runStage(
      env,
      {
        stage: "encode",
        manifest: io.manifest,
        inputs: { corpus: io.corpus, ...modelInputs(models) },
        params: {
          role: "passage",
          ...encoderParams(settings),
          ...inputParams(settings, ["corpus"]),
          shard: part,
        },
        packages: PACKAGES,
        device: deviceOf(env),
        outputs: io.fingerprint ? [io.out, idsPath(io.out), io.fingerprint] : [io.out, idsPath(io.out)],
        ...(io.fingerprint
          ? {
              reusable: "corpus",
              previewReuse: async (previous) => (await reuseOf(previous)).reuse?.diff.counts,
            }
          : {}),
      },
      async (staged, previous) => {
        const fingerprint = io.fingerprint;
        const { mine, reuse } = await reuseOf(previous);
        const corpus = mine.read;
        if (reuse) env.log.info(reuseLine(unit, reuse.diff));
        const total = reuse
          ? reuse.diff.counts.added + reuse.diff.counts.changed
          : shardSize(mine.total, part);
        const passages = reuse ? freshOnly<Passage>(corpus(), reuse.diff.status) : corpus();
        // reusing: the added and changed passages' rows go to a scratch file in the staging, then are merged
        const target = reuse ? scratchPath(staged(io.out), "fresh-rows.npy") : staged(io.out);
        const encoder = await openEncoder(models, env, settings.variant);
        const progress = env.log.progress(label("encode passages", part), total, "passages");
        const writer = await createNpyWriter(target, {
          dimensions: encoder.dimensions,
          dtype: settings.dtype,
        });
        const ids: string[] = [];
        try {
          const records = (async function* () {
            for await (const p of passages) {
              yield { id: p.docid, title: p.title, text: p.text };
            }
          })();
          const blocks = encoder.encodeStream(counted(records, progress), {
            ...encodeOptions(settings, "passage"),
            signal: env.signal,
          });
          for await (const block of blocks) {
            await writer.append(block.vectors);
            for (const id of block.ids) ids.push(id);
          }
          await writer.close();
        } catch (error) {
          await writer.abort();
          throw error;
        } finally {
          progress.done();
          await encoder.close();
        }
        await writeIds(idsPath(target), ids);
        await finishReuse(env, reuse, { out: io.out, rows: target, fingerprint }, staged, updateRows, corpus);
      },
    ),
  );
}

/** The files of a Σq matrix: the sums, per-passage counts, a JSON description, the docids, per-language sums. */
export function sumFiles(path: string, languages: readonly Lang[] = []): string[] {
  const files = querySumFiles(path, languages);
  return [files.sums, files.counts, files.manifest, files.ids, ...Object.values(files.languageSums)];
}

/**
 * Σq per passage (`out`, plus the counts, description and docids the fusion accumulator writes beside it):
 * the generated queries are encoded in batches and summed on the fly; no query embedding is ever stored.
 * `settings.limit` keeps only the first N queries per language (the paper's ablation over N). A shard's Σq
 * (`io.shard`) joins the others' by `mergeSumsStage`.
 */
export async function encodeGeneratedStage(
  env: StageEnv,
  io: {
    generated: string;
    encoder: EncoderDirs;
    out: string;
    manifest: string;
    /**
     * Σq of one shard's passages: `generated` holds that shard's records (maybe none), or, with `corpus`, one
     * record per passage of the whole corpus, of which the shard's are picked out.
     */
    shard?: { readonly part: ShardPart; readonly corpus?: string };
    /**
     * Where the fingerprint of the generated queries goes (docid and queries of each of the unit's records): a
     * later run whose only change is `generated` (and, with `shard.corpus`, the corpus) sums only the added and
     * changed records' queries.
     */
    fingerprint?: string;
  },
  settings: EncodeSettings & InputSettings,
) {
  const models = await localEncoders(io.encoder, env);
  const read = readOptions(settings);
  const part = io.shard?.part;
  const corpus = io.shard?.corpus;
  const fingerprint = io.fingerprint;
  const files: Record<string, string> = corpus
    ? { generated: io.generated, corpus }
    : { generated: io.generated };
  const unit = unitName(io.manifest);
  // the unit's records, read anew at each call (the whole file, a shard's own file, empty when the shard holds no
  // passage, or the shard's range of a file of the whole corpus's records, read from the indexed byte offset
  // nearest before it), and what of the previous output they reuse
  const reuseOf = async (previous: PreviousRun | undefined) => {
    const generated =
      part && corpus
        ? await shardRecords(env, io.generated, read.generated, part, corpus, read.corpus)
        : () =>
            readGeneratedQueries(io.generated, {
              ...read.generated,
              ...(part ? { allowEmpty: true } : {}),
            });
    const asPassages = async function* () {
      for await (const record of generated()) yield recordAsPassage(record);
    };
    const outputs = sumFiles(io.out, sumLanguagesOf(settings));
    const reuse = fingerprint
      ? await planReuse(env, previous, { unit, outputs, fingerprint }, asPassages)
      : undefined;
    return { generated, asPassages, reuse };
  };
  const explained = (error: unknown): unknown =>
    corpus && error instanceof CorpusError && error.code === "shard"
      ? new UserError(
          `${io.generated}: ${error.reason}, the passages of ${corpus}: shards pick their records by position, so the file needs one record per passage, in corpus order`,
        )
      : error;
  return withInputHints(files, () =>
    runStage(
      env,
      {
        stage: "encode",
        manifest: io.manifest,
        inputs: { ...files, ...modelInputs(models) },
        params: {
          role: "generated",
          ...encoderParams(settings),
          ...inputParams(settings, corpus ? ["generated", "corpus"] : ["generated"]),
          limit: settings.limit,
          ...(settings.sumLanguages ? { sumLanguages: sumLanguagesOf(settings) } : {}),
          ...(part ? { shard: part } : {}),
        },
        packages: [...PACKAGES, "@xqg/fusion"],
        device: deviceOf(env),
        outputs: fingerprint
          ? [...sumFiles(io.out, sumLanguagesOf(settings)), fingerprint]
          : sumFiles(io.out, sumLanguagesOf(settings)),
        // a file of the whole corpus's records changes with the corpus that sizes the shards
        ...(fingerprint
          ? {
              reusable: corpus ? ["generated", "corpus"] : "generated",
              previewReuse: (previous) =>
                reuseOf(previous).then(
                  ({ reuse }) => reuse?.diff.counts,
                  (error: unknown) => {
                    throw explained(error);
                  },
                ),
            }
          : {}),
      },
      async (staged, previous) => {
        try {
          const { generated, asPassages, reuse } = await reuseOf(previous);
          if (reuse) env.log.info(reuseLine(unit, reuse.diff));
          // reusing: the added and changed records' Σq goes to a scratch file in the staging, then is merged
          const target = reuse ? scratchPath(staged(io.out), "fresh-sums.npy") : staged(io.out);
          // one pass over the generated queries: Σq rows are written as their records stream by
          const encoder = await openEncoder(models, env, settings.variant);
          const progress = env.log.progress(
            label("encode generated queries", part ?? WHOLE),
            undefined,
            "passages",
          );
          const options = encodeOptions(settings, "query");
          const languages = sumLanguagesOf(settings);
          try {
            const records = reuse ? freshOnly(generated(), reuse.diff.status) : generated();
            await sumQueries(counted(records, progress), (texts) => encoder.encode(texts, options), {
              signal: env.signal,
              out: target,
              dimensions: encoder.dimensions,
              limit: settings.limit,
              batchSize: settings.batchSize * 8,
              ...(languages.length > 0 ? { languages } : {}),
            });
          } finally {
            progress.done();
            await encoder.close();
          }
          await finishReuse(
            env,
            reuse,
            { out: io.out, rows: target, fingerprint },
            staged,
            updateQuerySums,
            asPassages,
          );
        } catch (error) {
          throw explained(error);
        }
      },
    ),
  );
}

/**
 * Shard `part`'s records of a generated-queries file holding one record per passage of `corpus`, in corpus
 * order, read anew at each call: the file's record count must be the corpus's, and the shard's range is read
 * through the file's index.
 */
async function shardRecords(
  env: StageEnv,
  generated: string,
  options: Parameters<typeof generatedIndex>[2],
  part: ShardPart,
  corpus: string,
  corpusOptions: Parameters<typeof passageCount>[2],
) {
  const total = await passageCount(env, corpus, corpusOptions);
  const index = await generatedIndex(env, generated, options);
  if (index.records !== total) {
    const than = index.records < total ? "fewer" : "more";
    throw new CorpusError(`has ${index.records} records, ${than} than total=${total}`, {
      file: generated,
      code: "shard",
    });
  }
  const { start, end } = shard({ index: part.index, count: part.count, total });
  return () => readGeneratedQueries(generated, { ...options, range: { start, end }, index });
}

/** The languages whose Σq is kept apart, in canonical order (none unless configured). */
export function sumLanguagesOf(settings: Pick<EncodeSettings, "sumLanguages">): Lang[] {
  return (Object.keys(LANGUAGES) as Lang[]).filter((l) => settings.sumLanguages?.includes(l));
}

/** Embeddings of the dev queries (`out`, plus the query-ids sidecar). */
export async function encodeQueriesStage(
  env: StageEnv,
  io: { queries: string; encoder: EncoderDirs; out: string; manifest: string },
  settings: EncodeSettings & InputSettings,
) {
  const models = await localEncoders(io.encoder, env);
  checkQueriesLang(settings);
  const read = readOptions(settings);
  return withInputHints({ queries: io.queries }, () =>
    runStage(
      env,
      {
        stage: "encode",
        manifest: io.manifest,
        inputs: { queries: io.queries, ...modelInputs(models) },
        params: { role: "query", ...encoderParams(settings), ...inputParams(settings, ["queries"]) },
        packages: PACKAGES,
        device: deviceOf(env),
        outputs: [io.out, idsPath(io.out)],
      },
      async (staged) => {
        const queries = [];
        for await (const q of readQueries(io.queries, read.queries)) queries.push(q);
        if (queries.length === 0) throw new UserError(`${io.queries}: no queries`);
        const encoder = await openEncoder(models, env, settings.variant);
        try {
          const vectors = await encoder.encode(
            queries.map((q) => q.question),
            {
              ...encodeOptions(settings, "query"),
              signal: env.signal,
            },
          );
          const writer = await createNpyWriter(staged(io.out), {
            dimensions: encoder.dimensions,
            dtype: settings.dtype,
          });
          await writer.append(vectors);
          await writer.close();
        } finally {
          await encoder.close();
        }
        await writeIds(
          staged(idsPath(io.out)),
          queries.map((q) => q.id),
        );
      },
    ),
  );
}
