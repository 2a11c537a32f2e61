import { parseMeasure } from "@xqg/metrics";
import type { RunConfig } from "./config.js";
import { UserError } from "./errors.js";
import { Hasher } from "./hash.js";
import { layout, systemName } from "./layout.js";
import { isLeaseHeld } from "./lease.js";
import type { Logger } from "./progress.js";
import { claimOutputDir, removeStaging, stagingFolders } from "./safety.js";
import { type ShardPart, shardSuffix } from "./shard.js";
import type { StageEnv } from "./stages/common.js";
import { encodeGeneratedStage, encodePassagesStage, encodeQueriesStage } from "./stages/encode.js";
import { checkMeasures, evaluateStage } from "./stages/evaluate.js";
import { fuseStage, selectedLanguages } from "./stages/fuse.js";
import { generateStage } from "./stages/generate.js";
import { indexStage } from "./stages/index-stage.js";
import { mergeGeneratedStage, mergeMatrixStage } from "./stages/merge.js";
import { type ReportInput, reportStage } from "./stages/report.js";
import { type SearchTarget, searchStage } from "./stages/search.js";

/** One retrieval system of the experiment: the baseline, xQG at one α, or an ablation point. */
export interface System {
  readonly name: string;
  readonly alpha: number;
  /** Generated queries per language in Σq (undefined: all of them). */
  readonly queriesPerLanguage: number | undefined;
  readonly embeddings: string;
}

export interface RunOptions {
  readonly log: Logger;
  readonly force: boolean;
  /** Overrides the config's `shards: "i/N"`: run only this shard of generate and encode, then stop. */
  readonly shard?: ShardPart;
}

/**
 * The whole experiment. Every stage is skipped when its manifest matches, so a re-run (after a crash, a kill
 * or a config change) redoes only what changed. With `shards` the corpus is processed in contiguous parts
 * whose outputs are merged in corpus order; a worker given one shard stops after that shard's encode.
 */
export async function runPipeline(config: RunConfig, options: RunOptions): Promise<"done" | "shard-done"> {
  const paths = layout(config.output);
  const env: StageEnv = {
    hasher: await Hasher.open(paths.hashCache),
    log: options.log,
    force: options.force,
    threads: config.threads,
  };
  const st = config.stages;
  const measures = checkMeasures(st.evaluate.metrics, `${config.file}: evaluate.metrics`);
  const needQrels = measures.filter((m) => parseMeasure(m).judgedBy === "qrels");
  if (!config.qrels && needQrels.length > 0) {
    throw new UserError(`${config.file}: qrels: the measures ${needQrels.join(", ")} need a TREC qrels file`);
  }
  await claimOutputDir(config.output, `${config.file}: output`);
  await removeAbandonedStaging(config.output, paths.manifest);
  const count = options.shard?.count ?? config.shards.count;
  const only = options.shard?.index ?? config.shards.only;
  const shards: ShardPart[] = Array.from({ length: count }, (_, index) => ({ index, count }));
  const mine = only === undefined ? shards : [shards[only]!];

  for (const shard of mine) {
    const key = (stage: string) => `${stage}${shardSuffix(shard)}`;
    if (!config.generated) {
      await generateStage(
        env,
        {
          corpus: config.corpus,
          generator: config.generator!,
          out: paths.generated(shard),
          manifest: paths.manifest(key("generate")),
        },
        st.generate,
        shard,
      );
    }
    await encodePassagesStage(
      env,
      {
        corpus: config.corpus,
        encoder: config.encoder,
        out: paths.passages(shard),
        manifest: paths.manifest(key("encode-passages")),
      },
      st.encode,
      shard,
    );
  }
  if (only !== undefined && count > 1) return "shard-done";

  const whole: ShardPart = { index: 0, count: 1 };
  if (count > 1) {
    if (!config.generated) {
      await mergeGeneratedStage(env, {
        parts: shards.map(paths.generated),
        out: paths.generated(whole),
        manifest: paths.manifest("merge-generated"),
      });
    }
    await mergeMatrixStage(env, {
      parts: shards.map(paths.passages),
      out: paths.passages(whole),
      manifest: paths.manifest("merge-passages"),
    });
  }
  const generated = config.generated ?? paths.generated(whole);
  const passages = paths.passages(whole);
  const limits = [undefined, ...(config.ablation?.queriesPerLanguage ?? [])];
  // per-language Σq only where fusion reads it (one more passages × dim matrix per language)
  const sumLanguages = st.encode.sumLanguages ?? selectedLanguages(st.fuse);
  for (const limit of limits) {
    await encodeGeneratedStage(
      env,
      {
        generated,
        encoder: config.encoder,
        out: paths.sums(limit),
        manifest: paths.manifest(limit ? `encode-generated.first-${limit}` : "encode-generated"),
      },
      { ...st.encode, limit: limit ?? 0, sumLanguages: sumLanguages.length > 0 ? sumLanguages : undefined },
    );
  }
  await encodeQueriesStage(
    env,
    {
      queries: config.queries,
      encoder: config.encoder,
      out: paths.queries,
      manifest: paths.manifest("encode-queries"),
    },
    st.encode,
  );

  const systems: System[] = [];
  const alphas = [...new Set([0, ...st.fuse.alphas])].sort((a, b) => a - b);
  const fused = new Map<number, string>();
  for (const alpha of alphas) {
    const name = systemName(alpha);
    const embeddings = alpha === 0 ? passages : paths.fused(name);
    if (alpha !== 0) fused.set(alpha, embeddings);
    systems.push({ name, alpha, queriesPerLanguage: undefined, embeddings });
  }
  const { alphas: _alphas, ...fuseSettings } = st.fuse;
  if (fused.size > 0) {
    await fuseStage(
      env,
      { passages, sums: paths.sums(), outputs: fused, manifest: paths.manifest("fuse") },
      fuseSettings,
    );
  }
  for (const limit of config.ablation?.queriesPerLanguage ?? []) {
    const alpha = config.ablation!.alpha;
    const name = systemName(alpha, limit);
    await fuseStage(
      env,
      {
        passages,
        sums: paths.sums(limit),
        outputs: new Map([[alpha, paths.fused(name)]]),
        manifest: paths.manifest(`fuse.${name}`),
      },
      fuseSettings,
    );
    systems.push({ name, alpha, queriesPerLanguage: limit, embeddings: paths.fused(name) });
  }

  const evaluations: Array<ReportInput["systems"][number]> = [];
  for (const system of systems) {
    let target: SearchTarget;
    if (st.index.type === "hnsw") {
      await indexStage(
        env,
        {
          embeddings: system.embeddings,
          out: paths.index(system.name),
          manifest: paths.manifest(`index.${system.name}`),
        },
        st.index,
      );
      target = { kind: "index", index: paths.index(system.name) };
    } else {
      target = { kind: "exact", embeddings: system.embeddings, metric: st.index.metric };
    }
    await searchStage(
      env,
      {
        target,
        queries: paths.queries,
        out: paths.run(system.name),
        tag: `xqg-${system.name}`,
        manifest: paths.manifest(`search.${system.name}`),
      },
      st.search,
    );
    await evaluateStage(
      env,
      {
        run: paths.run(system.name),
        queries: config.queries,
        corpus: config.corpus,
        qrels: config.qrels,
        nltkData: config.nltkData,
        out: paths.evaluation(system.name),
        manifest: paths.manifest(`evaluate.${system.name}`),
      },
      st.evaluate,
    );
    evaluations.push({
      alpha: system.alpha,
      queriesPerLanguage: system.queriesPerLanguage,
      evaluation: paths.evaluation(system.name),
    });
  }
  await reportStage(
    env,
    { systems: evaluations, out: paths.report, manifest: paths.manifest("report") },
    st.report,
  );
  return "done";
}

/**
 * Staging left by killed runs, of units no one holds now (it would otherwise stay forever once the config
 * changes: tens of GB at full scale). A unit whose lease a live run holds keeps its staging.
 */
async function removeAbandonedStaging(out: string, manifestOf: (key: string) => string): Promise<void> {
  for (const { path, key } of await stagingFolders(out)) {
    if (!(await isLeaseHeld(manifestOf(key)))) await removeStaging(path);
  }
}
