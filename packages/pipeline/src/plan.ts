import { idsPath } from "@xqg/core";
import { parseMeasure } from "@xqg/metrics";
import { GENERATION_DEFAULTS } from "@xqg/querygen";
import { deltaFile, type RunConfig } from "./config.js";
import { UserError } from "./errors.js";
import { layout, systemName } from "./layout.js";
import { type InputSettings, readOptions, splitInputs } from "./settings/inputs.js";
import { rowsSuffix, type ShardPart, shardSuffix } from "./shard.js";
import { sumLanguagesOf } from "./stages/encode.js";
import { checkMeasures } from "./stages/evaluate.js";
import { selectedLanguages } from "./stages/fuse.js";
import { fingerprintPath } from "./stages/incremental.js";
import type { ReportInput } from "./stages/report.js";
import type { SearchTarget } from "./stages/search.js";
import { planDigest, type Work, work } from "./units.js";

/** One retrieval system of the experiment: the baseline, xQG at one α, or an ablation point. */
export interface System {
  readonly name: string;
  readonly alpha: number;
  /** Generated queries per language in Σq (undefined: all of them). */
  readonly queriesPerLanguage: number | undefined;
  readonly embeddings: string;
  /** The system whose embeddings (and so run and evaluation) this one has byte for byte, when there is one. */
  readonly reuses?: string;
}

/**
 * How many queries per language generation writes, when the run generates them (undefined for a file of
 * queries made elsewhere, whose count is not known before reading it): greedy writes one, the others
 * `perLanguage` (@xqg/querygen's default when unset).
 */
function generatedPerLanguage(config: RunConfig): number | undefined {
  if (config.generated) return undefined;
  const g = config.stages.generate;
  return g.strategy === "greedy" ? 1 : (g.perLanguage ?? GENERATION_DEFAULTS.perLanguage);
}

/**
 * One unit of work of a run, as plain data: one `runStage` call with its own manifest (`manifests/<key>.json`).
 * It can be printed, compared, stored and sent (`JSON.stringify`); `runUnit(unit, env)` runs it. The local run
 * executes the plan's units in order; a distributed run puts the same units on a queue.
 */
export interface Unit {
  /** The manifest's name without `.json` (`generate.shard-0-of-2`, `fuse`, `search.baseline`, …); unique. */
  readonly key: string;
  /** The stage as logs name it (`generate`, `encode-passages`, `merge-passages`, `search`, …). */
  readonly stage: string;
  /** Keys of the units whose outputs this one reads (all earlier in the plan). */
  readonly deps: readonly string[];
  /** The manifest this unit writes last (a finished unit has it). */
  readonly manifest: string;
  /** What runs: the stage function's kind and its arguments (paths, settings, shard), all plain data. */
  readonly work: Work;
}

export interface Plan {
  /** Every unit, in the order a local run executes them (each after its dependencies). */
  readonly units: readonly Unit[];
  /** "shard-done" when the plan is one worker's shard (`--shard i/N` with N > 1): no merge, nothing after. */
  readonly ends: "done" | "shard-done";
  /** SHA-256 of the units (keys, dependencies, work): equal plans have equal digests. */
  readonly digest: string;
}

/** Checks what the config promises before any work (measures that need qrels). */
export function checkPlan(config: RunConfig): void {
  const measures = checkMeasures(config.stages.evaluate.metrics, `${config.file}: evaluate.metrics`);
  const needQrels = measures.filter((m) => parseMeasure(m).judgedBy === "qrels");
  if (!config.qrels && needQrels.length > 0) {
    throw new UserError(`${config.file}: qrels: the measures ${needQrels.join(", ")} need a TREC qrels file`);
  }
}

/**
 * The units of work of the whole experiment, in the order of a local run. `shard` (or the config's
 * `shards: "i/N"`) restricts the plan to that shard's generation, passage encoding and Σq.
 */
export function planUnits(config: RunConfig, shard?: ShardPart): Plan {
  const paths = layout(config.output);
  const st = config.stages;
  const units: Unit[] = [];
  const add = (unit: Omit<Unit, "manifest">): string => {
    units.push({ ...unit, manifest: paths.manifest(unit.key) });
    return unit.key;
  };
  // a corpus given as a base file plus delta files: one unit writes the effective corpus (JSONL), which every
  // unit that reads the corpus reads instead, so a delta added later reuses what did not change
  const deltas = config.corpusDeltas.length > 0;
  const { corpusFormat, duplicates } = splitInputs(st.encode).inputs;
  const corpusDeps = deltas
    ? [
        add({
          key: "corpus",
          stage: "corpus",
          deps: [],
          work: work(
            "corpus",
            {
              base: config.corpus,
              deltas: config.corpusDeltas,
              out: paths.corpus,
              deleted: paths.deletedPassages,
              manifest: paths.manifest("corpus"),
            },
            { ...(corpusFormat ? { corpusFormat } : {}), ...(duplicates ? { duplicates } : {}) },
          ),
        }),
      ]
    : [];
  const corpus = deltas ? paths.corpus : config.corpus;
  // its format is told from its content (JSONL), as a corpus file with no corpusFormat is: the units record the
  // same settings as a run on the base file alone, so giving that run's corpus deltas reuses its outputs
  const reading = <S extends InputSettings>(settings: S): S => {
    if (!deltas) return settings;
    const { corpusFormat: _base, ...rest } = settings;
    return rest as S;
  };
  const count = shard?.count ?? config.shards.count;
  const only = shard?.index ?? config.shards.only;
  const shards: ShardPart[] = Array.from({ length: count }, (_, index) => ({ index, count }));
  const mine = only === undefined ? shards : [shards[only]!];

  // an ablation point that keeps every generated query is the full Σq: it reuses it (and, at an α the run
  // fuses anyway, the fused matrix and its run) instead of storing byte-identical copies
  const perLanguage = generatedPerLanguage(config);
  const sumsLimit = (limit: number): number | undefined =>
    perLanguage !== undefined && limit >= perLanguage ? undefined : limit;
  const limits = [
    undefined,
    ...(config.ablation?.queriesPerLanguage ?? []).filter((limit) => sumsLimit(limit) !== undefined),
  ];
  // per-language Σq only where fusion reads it (one more passages × dim matrix per language)
  const sumLanguages = st.encode.sumLanguages ?? selectedLanguages(st.fuse);
  const sumSettings = (limit: number | undefined) => ({
    ...st.encode,
    limit: limit ?? 0,
    sumLanguages: sumLanguages.length > 0 ? sumLanguages : undefined,
  });
  // `encode-generated` (one Σq, or a shard's) and `merge-sums` (the shards' joined), per ablation point
  const sumsKey = (stage: "encode-generated" | "merge-sums", limit: number | undefined) =>
    limit ? `${stage}.first-${limit}` : stage;
  const generateKeys: string[] = [];
  const encodeKeys: string[] = [];
  // with shards, Σq is summed per shard too (beside the shard's generation), then joined: no unit reads all queries
  const shardSumKeys = new Map<number | undefined, string[]>(limits.map((limit) => [limit, []]));
  for (const part of mine) {
    const key = (stage: string) => `${stage}${shardSuffix(part)}`;
    if (!config.generated) {
      generateKeys.push(
        add({
          key: key("generate"),
          stage: "generate",
          deps: corpusDeps,
          work: work(
            "generate",
            {
              corpus,
              generator: config.generator!,
              out: paths.generated(part),
              manifest: paths.manifest(key("generate")),
              // a corpus change regenerates only the shard's added and changed passages
              fingerprint: fingerprintPath(paths.generated(part)),
            },
            reading(st.generate),
            part,
          ),
        }),
      );
    }
    encodeKeys.push(
      add({
        key: key("encode-passages"),
        stage: "encode-passages",
        deps: corpusDeps,
        work: work(
          "encode-passages",
          {
            corpus,
            encoder: config.encoder,
            out: paths.passages(part),
            manifest: paths.manifest(key("encode-passages")),
            fingerprint: fingerprintPath(paths.passages(part)),
          },
          reading(st.encode),
          part,
        ),
      }),
    );
    if (count === 1) continue;
    const generatedPart = generateKeys.at(-1);
    for (const limit of limits) {
      const unitKey = key(sumsKey("encode-generated", limit));
      shardSumKeys.get(limit)!.push(
        add({
          key: unitKey,
          stage: "encode-generated",
          deps: config.generated ? corpusDeps : [generatedPart!],
          work: work(
            "encode-generated",
            {
              generated: config.generated ?? paths.generated(part),
              // a generated file of the config's holds every passage's record: this shard's are picked out
              shard: config.generated ? { part, corpus } : { part },
              encoder: config.encoder,
              out: paths.sums(limit, part),
              manifest: paths.manifest(unitKey),
              fingerprint: fingerprintPath(paths.sums(limit, part)),
            },
            config.generated ? reading(sumSettings(limit)) : sumSettings(limit),
          ),
        }),
      );
    }
  }
  if (only !== undefined && count > 1) return { units, ends: "shard-done", digest: planDigest(units) };

  const whole: ShardPart = { index: 0, count: 1 };
  let generatedKey: string | undefined = config.generated ? undefined : generateKeys[0];
  let passagesKey = encodeKeys[0]!;
  if (count > 1) {
    // the shards' generated queries feed their own Σq units: one merged file is written only when asked
    if (!config.generated && config.mergeGenerated) {
      generatedKey = add({
        key: "merge-generated",
        stage: "merge-generated",
        deps: generateKeys,
        work: work("merge-generated", {
          parts: shards.map(paths.generated),
          out: paths.generated(whole),
          manifest: paths.manifest("merge-generated"),
        }),
      });
    }
    passagesKey = add({
      key: "merge-passages",
      stage: "merge-passages",
      deps: encodeKeys,
      work: work("merge-matrix", {
        parts: shards.map(paths.passages),
        out: paths.passages(whole),
        manifest: paths.manifest("merge-passages"),
      }),
    });
  }
  const generated = config.generated ?? paths.generated(whole);
  const passages = paths.passages(whole);
  const sumsKeys = new Map<number | undefined, string>();
  for (const limit of limits) {
    const key = sumsKey("encode-generated", limit);
    if (count > 1) {
      const mergeKey = sumsKey("merge-sums", limit);
      sumsKeys.set(
        limit,
        add({
          key: mergeKey,
          stage: "merge-sums",
          deps: shardSumKeys.get(limit)!,
          work: work("merge-sums", {
            parts: shards.map((part) => paths.sums(limit, part)),
            out: paths.sums(limit),
            manifest: paths.manifest(mergeKey),
            languages: sumLanguagesOf(sumSettings(limit)),
          }),
        }),
      );
      continue;
    }
    sumsKeys.set(
      limit,
      add({
        key,
        stage: "encode-generated",
        deps: generatedKey ? [generatedKey] : [],
        work: work(
          "encode-generated",
          {
            generated,
            encoder: config.encoder,
            out: paths.sums(limit),
            manifest: paths.manifest(key),
            fingerprint: fingerprintPath(paths.sums(limit)),
          },
          sumSettings(limit),
        ),
      }),
    );
  }
  const queriesKey = add({
    key: "encode-queries",
    stage: "encode-queries",
    deps: [],
    work: work(
      "encode-queries",
      {
        queries: config.queries,
        encoder: config.encoder,
        out: paths.queries,
        manifest: paths.manifest("encode-queries"),
      },
      st.encode,
    ),
  });

  // each system with the key of the unit that writes its embeddings
  const systems: Array<System & { readonly producer: string }> = [];
  const alphas = [...new Set([0, ...st.fuse.alphas])].sort((a, b) => a - b);
  const fused = new Map<number, string>();
  const pending: Array<System> = [];
  for (const alpha of alphas) {
    const name = systemName(alpha);
    const embeddings = alpha === 0 ? passages : paths.fused(name);
    if (alpha !== 0) fused.set(alpha, embeddings);
    pending.push({ name, alpha, queriesPerLanguage: undefined, embeddings });
  }
  const { alphas: _alphas, ...fuseSettings } = st.fuse;
  let fuseKey: string | undefined;
  if (fused.size > 0) {
    fuseKey = add({
      key: "fuse",
      stage: "fuse",
      deps: [passagesKey, sumsKeys.get(undefined)!],
      work: work(
        "fuse",
        { passages, sums: paths.sums(), outputs: [...fused], manifest: paths.manifest("fuse") },
        fuseSettings,
      ),
    });
  }
  for (const system of pending)
    systems.push({ ...system, producer: system.alpha === 0 ? passagesKey : fuseKey! });
  for (const limit of config.ablation?.queriesPerLanguage ?? []) {
    const alpha = config.ablation!.alpha;
    const name = systemName(alpha, limit);
    const full =
      sumsLimit(limit) === undefined
        ? systems.find((sys) => sys.alpha === alpha && !sys.queriesPerLanguage)
        : undefined;
    if (full) {
      systems.push({ ...full, name, queriesPerLanguage: limit, reuses: full.name });
      continue;
    }
    const key = add({
      key: `fuse.${name}`,
      stage: "fuse",
      deps: [passagesKey, sumsKeys.get(sumsLimit(limit))!],
      work: work(
        "fuse",
        {
          passages,
          sums: paths.sums(sumsLimit(limit)),
          outputs: [[alpha, paths.fused(name)]],
          manifest: paths.manifest(`fuse.${name}`),
        },
        fuseSettings,
      ),
    });
    systems.push({ name, alpha, queriesPerLanguage: limit, embeddings: paths.fused(name), producer: key });
  }

  const evaluations: Array<ReportInput["systems"][number]> = [];
  const evaluateKeys: string[] = [];
  const rankedRuns: Array<{ readonly name: string; readonly searchKey: string }> = [];
  for (const system of systems) {
    if (system.reuses) {
      evaluations.push({
        alpha: system.alpha,
        queriesPerLanguage: system.queriesPerLanguage,
        evaluation: paths.evaluation(system.reuses),
      });
      continue;
    }
    let target: SearchTarget;
    let searchDeps = [system.producer, queriesKey];
    if (st.index.type === "hnsw") {
      const indexKey = add({
        key: `index.${system.name}`,
        stage: "index",
        deps: [system.producer],
        work: work(
          "index",
          {
            embeddings: system.embeddings,
            out: paths.index(system.name),
            manifest: paths.manifest(`index.${system.name}`),
          },
          st.index,
        ),
      });
      target = { kind: "index", index: paths.index(system.name), expansionSearch: st.index.expansionSearch };
      searchDeps = [indexKey, queriesKey];
    } else {
      target = { kind: "exact", embeddings: system.embeddings, metric: st.index.metric };
    }
    const searchKey = `search.${system.name}`;
    if (target.kind === "exact" && config.searchRanges > 1) {
      // row ranges of the matrix searched as units of their own, then merged into one top-k per query
      const ranges = Array.from({ length: config.searchRanges }, (_, index) => ({
        index,
        count: config.searchRanges,
      }));
      const rangeKeys = ranges.map((range) => {
        const key = `${searchKey}${rowsSuffix(range)}`;
        return add({
          key,
          stage: "search",
          deps: searchDeps,
          work: work(
            "search-range",
            {
              embeddings: system.embeddings,
              metric: st.index.metric,
              range,
              queries: paths.queries,
              out: paths.hits(system.name, range),
              manifest: paths.manifest(key),
            },
            st.search,
          ),
        });
      });
      add({
        key: searchKey,
        stage: "merge-search",
        deps: rangeKeys,
        work: work(
          "merge-search",
          {
            parts: ranges.map((range) => paths.hits(system.name, range)),
            embeddings: system.embeddings,
            queries: paths.queries,
            out: paths.run(system.name),
            tag: `xqg-${system.name}`,
            manifest: paths.manifest(searchKey),
          },
          st.search,
        ),
      });
    } else {
      add({
        key: searchKey,
        stage: "search",
        deps: searchDeps,
        work: work(
          "search",
          {
            target,
            queries: paths.queries,
            out: paths.run(system.name),
            tag: `xqg-${system.name}`,
            manifest: paths.manifest(searchKey),
          },
          st.search,
        ),
      });
    }
    rankedRuns.push({ name: system.name, searchKey });
    evaluations.push({
      alpha: system.alpha,
      queriesPerLanguage: system.queriesPerLanguage,
      evaluation: paths.evaluation(system.name),
    });
  }
  // R@kt reads passage text: one unit reads the corpus once for every evaluation, each of which then reads only
  // the text of the passages its system ranked (without R@kt, no evaluation reads the corpus)
  const needsText = config.stages.evaluate.metrics.some((m) => parseMeasure(m).judgedBy === "answers");
  if (needsText) {
    add({
      key: "passage-texts",
      stage: "passage-texts",
      deps: [...rankedRuns.map((r) => r.searchKey), ...corpusDeps],
      work: work(
        "passage-texts",
        {
          runs: Object.fromEntries(rankedRuns.map((r) => [r.name, paths.run(r.name)])),
          corpus,
          outs: Object.fromEntries(rankedRuns.map((r) => [r.name, paths.passageTexts(r.name)])),
          manifest: paths.manifest("passage-texts"),
        },
        reading(splitInputs(st.evaluate).inputs),
      ),
    });
  }
  // the ranked passages' files are JSONL, whatever the corpus's format
  const { corpusFormat: _corpusFormat, ...evaluateSettings } = st.evaluate;
  for (const { name, searchKey } of rankedRuns) {
    evaluateKeys.push(
      add({
        key: `evaluate.${name}`,
        stage: "evaluate",
        deps: needsText ? [searchKey, "passage-texts"] : [searchKey],
        work: work(
          "evaluate",
          {
            run: paths.run(name),
            queries: config.queries,
            ...(needsText ? { corpus: paths.passageTexts(name) } : {}),
            qrels: config.qrels,
            nltkData: config.nltkData,
            out: paths.evaluation(name),
            manifest: paths.manifest(`evaluate.${name}`),
          },
          needsText ? evaluateSettings : st.evaluate,
        ),
      }),
    );
  }
  add({
    key: "report",
    stage: "report",
    deps: evaluateKeys,
    work: work(
      "report",
      {
        systems: evaluations,
        out: paths.report,
        manifest: paths.manifest("report"),
        ...(config.qrels ? { passageIds: idsPath(passages) } : {}),
        ...(deltas ? { deletedPassages: paths.deletedPassages } : {}),
        provenance: {
          settings: st,
          corpus,
          corpusOptions: readOptions(reading(st.encode)).corpus,
          ...(deltas
            ? {
                corpusSources: [config.corpus, ...config.corpusDeltas.map(deltaFile)],
              }
            : {}),
          queries: config.queries,
          qrels: config.qrels,
          generated: config.generated,
          models: {
            ...(config.encoder.query === config.encoder.passage
              ? { encoder: { dirOrId: config.encoder.query, task: "encoder" as const } }
              : {
                  queryEncoder: { dirOrId: config.encoder.query, task: "encoder" as const },
                  passageEncoder: { dirOrId: config.encoder.passage, task: "encoder" as const },
                }),
            ...(config.generator
              ? { generator: { dirOrId: config.generator, task: "seq2seq" as const } }
              : {}),
          },
        },
      },
      st.report,
    ),
  });
  return { units, ends: "done", digest: planDigest(units) };
}

/**
 * The experiment of a config as plain-data units of work, in an order that runs each after its dependencies
 * (`{ shard }`: only that shard's generation, passage encoding and Σq). The library's name for `planUnits`.
 */
export function planExperiment(config: RunConfig, options: { readonly shard?: ShardPart } = {}): Plan {
  return planUnits(config, options.shard);
}
