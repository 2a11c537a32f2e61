import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FORMATS, type RunFormat } from "@xqg/corpus";
import {
  cleanOutput,
  explainEmptyInput,
  inspectPlan,
  type Logger,
  layout,
  loadConfig,
  openStageEnv,
  PLAN_SCHEMA,
  prepareRun,
  runExperiment,
  runPlannedUnit,
  type StageEnv,
  settings as schema,
  stages,
  UsageError,
} from "@xqg/pipeline";
import { type ArgFlag, type FlagSpec, NAME, type ParsedFlags, type ValueKind, WHOLE } from "./args.js";
import { loadQueue, QUEUE_COMMANDS } from "./queue-commands.js";

const { alphasProblem, field, inputFields, languageCodes, STAGE_FIELDS, systemName } = schema;

export interface CommandContext {
  readonly log: Logger;
  readonly stdout: NodeJS.WritableStream;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly flags: FlagSpec;
  run(flags: ParsedFlags, ctx: CommandContext): Promise<void>;
}

const ENCODER: Record<string, ArgFlag> = {
  encoder: { help: "encoder model directory (tied query/passage encoder)" },
  queryEncoder: { help: "query encoder directory (untied encoders; with --passage-encoder)" },
  passageEncoder: { help: "passage encoder directory (untied encoders; with --query-encoder)" },
};

function envOf(flags: ParsedFlags, ctx: CommandContext): Promise<StageEnv> {
  return openStageEnv({ log: ctx.log, force: flags.force, threads: flags.threads ?? 0 });
}

const one = (flags: ParsedFlags, name: string): string => flags.args[name]![0]!;
const maybe = (flags: ParsedFlags, name: string): string | undefined => flags.args[name]![0];
/** Every value of an arg declared with `kind` (parseFlags has checked each against it). */
const all = <T>(flags: ParsedFlags, name: string, kind: ValueKind<T>): T[] =>
  flags.args[name]!.map((raw) => kind.parse(raw) as T);
/**
 * Where a one-off command keeps the manifest of its output: never beside the user's file, but in one hidden
 * folder of the output's directory, `.xqg/manifests/<output's name>.json` (a run keeps its own in
 * `<output>/manifests/`).
 */
const manifestOf = (output: string): string =>
  join(dirname(output), ".xqg", "manifests", `${basename(output)}.json`);

/**
 * generate's settings: without --languages, the targets are every language --language-names names; with it,
 * each must be one of them (or of the seven XOR-TyDi languages).
 */
function generateSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const inputs = settings as schema.InputSettings;
  const targets = settings["languages"] as string[];
  // parseFlags fills an unset flag with the field's own default (the same array)
  if (inputs.languageNames && targets === STAGE_FIELDS.generate.languages.default)
    return { ...settings, languages: languageCodes(inputs) };
  const codes = languageCodes(inputs);
  if (targets.some((lang) => !codes.includes(lang))) {
    throw new UsageError(
      `generate: --languages: expected a non-empty list of ${codes.map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(targets.join(","))} (name other languages with --language-names code=Name)`,
    );
  }
  return settings;
}

function encoderDirs(flags: ParsedFlags): { query: string; passage: string } {
  const tied = maybe(flags, "encoder");
  const query = maybe(flags, "queryEncoder");
  const passage = maybe(flags, "passageEncoder");
  if (tied && !query && !passage) return { query: tied, passage: tied };
  if (!tied && query && passage) return { query, passage };
  throw new UsageError("encode: give --encoder DIR, or both --query-encoder DIR and --passage-encoder DIR");
}

const numberIn01 = (s: string): number | undefined => {
  const n = Number(s);
  return s.trim() !== "" && n > 0 && n <= 1 ? n : undefined;
};
const positiveInt = (s: string): number | undefined => (/^[1-9]\d*$/.test(s) ? Number(s) : undefined);

/** `KEY=PATH` (e.g. `0.01=eval.json` → [0.01, "eval.json"]). */
function keyed(
  placeholder: string,
  expected: string,
  example: string,
  parseKey: (key: string) => number | undefined,
): ValueKind<[number, string]> {
  return {
    placeholder: `${placeholder}=PATH`,
    expected: `${placeholder}=PATH with ${placeholder} ${expected} (e.g. ${example})`,
    commaList: true,
    parse(raw) {
      const at = raw.indexOf("=");
      const key = at > 0 ? parseKey(raw.slice(0, at)) : undefined;
      return key === undefined || at === raw.length - 1 ? undefined : [key, raw.slice(at + 1)];
    },
  };
}

/** An α of xQG: a number in (0, 1]. */
const ALPHA: ValueKind<number> = { placeholder: "NUMBER", expected: "a number in (0, 1]", parse: numberIn01 };
const ALPHA_EVAL = keyed("NUMBER", "in (0, 1]", "0.01=eval/alpha-0.01.json", numberIn01);
const ABLATION_EVAL = keyed("N", "a positive integer", "2=eval/queries-2.json", positiveInt);

/** An integer ≥ 1. */
const BOOLEAN: ValueKind<boolean> = {
  placeholder: "true|false",
  expected: "true or false",
  parse: (raw) => (raw === "true" ? true : raw === "false" ? false : undefined),
};
/** A run file format of @xqg/corpus (`--run-format`). */
const RUN_FORMAT: ValueKind<RunFormat> = {
  placeholder: "NAME",
  expected: `one of ${Object.keys(FORMATS.runs).join(", ")}`,
  parse: (raw) => (Object.hasOwn(FORMATS.runs, raw) ? (raw as RunFormat) : undefined),
};
const RUN_FORMAT_HELP = Object.entries(FORMATS.runs)
  .map(([name, text]) => `${name}: ${text}`)
  .join("; ");
const POSITIVE: ValueKind<number> = { placeholder: "N", expected: "an integer ≥ 1", parse: positiveInt };

/** The queue's flags (see src/queue/). */
const QUEUE_FLAGS = {
  run: {
    queue: {
      help: "coordinate a distributed run on this Redis (redis://HOST:PORT[/DB]; password also from $XQG_REDIS_PASSWORD)",
      value: { placeholder: "URL", expected: "redis://HOST:PORT[/DB]", parse: (raw) => raw || undefined },
    },
    attempts: {
      help: "with --queue: attempts of each unit before the run fails (default: 3)",
      value: POSITIVE,
    },
  },
} satisfies Record<string, Record<string, ArgFlag>>;

export const COMMANDS: Record<string, Command> = {
  generate: {
    summary: "generate queries in other languages for every passage (one shard of the corpus)",
    usage: "--corpus FILE --generator DIR --out FILE.jsonl [settings]",
    flags: {
      args: {
        corpus: {
          help: "corpus (JSONL {docid,title,text}, Pyserini, BEIR, DPR or MS MARCO TSV; optionally .gz)",
          required: true,
        },
        generator: { help: "seq2seq model directory (Optimum ONNX export)", required: true },
        out: { help: "generated queries, JSONL {docid, queries: {lang: [...]}}", required: true },
      },
      fields: { ...STAGE_FIELDS.generate, ...inputFields("corpusFormat", "duplicates", "languageNames") },
      shard: true,
      threads: "threads of the generator (ONNX Runtime; default: 0, all cores)",
    },
    async run(flags, ctx) {
      const out = one(flags, "out");
      const io = {
        corpus: one(flags, "corpus"),
        generator: one(flags, "generator"),
        out,
        manifest: manifestOf(out),
      };
      await stages.generateStage(
        await envOf(flags, ctx),
        io,
        generateSettings(flags.settings) as never,
        flags.shard,
      );
    },
  },
  encode: {
    summary: "encode passages (P), generated queries (Σq per passage) or queries into .npy + .ids",
    usage: "(--corpus FILE | --generated FILE | --queries FILE) --encoder DIR --out FILE.npy [settings]",
    flags: {
      args: {
        corpus: { help: "passages to encode into P (title + ' ' + text)" },
        generated: {
          help: "generated queries to encode and sum per passage into Σq (never stored one by one)",
        },
        queries: { help: "queries to encode (XOR-TyDi, Tevatron or BEIR JSONL, or TSV qid\\ttext)" },
        ...ENCODER,
        out: { help: "embeddings .npy (its ids go to the .ids sidecar)", required: true },
      },
      fields: {
        ...STAGE_FIELDS.encode,
        ...inputFields(
          "corpusFormat",
          "generatedFormat",
          "queriesFormat",
          "queriesLang",
          "duplicates",
          "languageNames",
        ),
      },
      shard: true,
      threads: "threads of the encoder (ONNX Runtime; default: 0, all cores)",
    },
    async run(flags, ctx) {
      const env = await envOf(flags, ctx);
      const out = one(flags, "out");
      const sources = (["corpus", "generated", "queries"] as const).filter(
        (s) => maybe(flags, s) !== undefined,
      );
      if (sources.length !== 1)
        throw new UsageError("encode: give exactly one of --corpus, --generated or --queries");
      const encoder = encoderDirs(flags);
      const settings = flags.settings as never;
      const source = sources[0]!;
      if (source !== "corpus" && flags.shard.count > 1)
        throw new UsageError("encode: --shard applies to --corpus only");
      if (source === "corpus") {
        await stages.encodePassagesStage(
          env,
          { corpus: one(flags, "corpus"), encoder, out, manifest: manifestOf(out) },
          settings,
          flags.shard,
        );
      } else if (source === "generated") {
        await stages.encodeGeneratedStage(
          env,
          { generated: one(flags, "generated"), encoder, out, manifest: manifestOf(out) },
          settings,
        );
      } else {
        await stages.encodeQueriesStage(
          env,
          { queries: one(flags, "queries"), encoder, out, manifest: manifestOf(out) },
          settings,
        );
      }
    },
  },
  fuse: {
    summary: "augment passage embeddings: p' = (1 − α)·p + α·Σq for every α, in one pass",
    usage: "--passages P.npy --sums S.npy --out DIR [--alphas 0.01,0.02] [settings]",
    flags: {
      args: {
        passages: { help: "passage embeddings P (.npy with .ids)", required: true },
        sums: { help: "Σq per passage (.npy with .ids, from xqg encode --generated)", required: true },
        out: { help: "directory for alpha-<α>.npy (+ .ids)", required: true },
      },
      fields: STAGE_FIELDS.fuse,
      shard: false,
    },
    async run(flags, ctx) {
      const dir = one(flags, "out");
      const { alphas, ...settings } = flags.settings as schema.StageSettings<"fuse">;
      const badAlpha = alphasProblem(alphas);
      if (badAlpha) throw new UsageError(`fuse: --alphas: ${badAlpha.reason}`);
      const outputs = new Map(alphas.map((a) => [a, join(dir, `${systemName(a)}.npy`)]));
      await stages.fuseStage(
        await envOf(flags, ctx),
        {
          passages: one(flags, "passages"),
          sums: one(flags, "sums"),
          outputs,
          manifest: manifestOf(join(dir, "fuse")),
        },
        settings,
      );
    },
  },
  index: {
    summary: "build an HNSW index over an embedding matrix (exact search needs none)",
    usage: "--embeddings FILE.npy --out FILE.usearch [settings]",
    flags: {
      args: {
        embeddings: { help: "embedding matrix (.npy with .ids)", required: true },
        out: { help: "index file (writes FILE, FILE.ids and FILE.json)", required: true },
      },
      fields: { ...STAGE_FIELDS.index, type: field.choice(["hnsw"], "hnsw", "index type") },
      shard: false,
      threads: "threads adding to the index (default: 0, all cores; more than 1 is not bit-reproducible)",
    },
    async run(flags, ctx) {
      const out = one(flags, "out");
      await stages.indexStage(
        await envOf(flags, ctx),
        { embeddings: one(flags, "embeddings"), out, manifest: manifestOf(out) },
        flags.settings as never,
      );
    },
  },
  search: {
    summary:
      "rank passages for every query embedding; writes a run (TREC, or the TSV its name or --run-format says)",
    usage:
      "(--index FILE.usearch | --embeddings FILE.npy) --queries Q.npy --out RUN.trec|RUN.tsv|- [--run-format FORMAT] [settings]",
    flags: {
      args: {
        index: { help: "HNSW index from xqg index" },
        embeddings: { help: "embedding matrix for exact search (.npy with .ids)" },
        queries: { help: "query embeddings (.npy with .ids, from xqg encode --queries)", required: true },
        out: {
          help: "the run: .trec/.run/.res/.txt TREC, .tsv Tevatron (scores), another name TREC; - writes it to standard output",
          required: true,
        },
        runFormat: {
          help: "the run's format, whatever its name: trec, tevatron (qid docid score) or msmarco (qid pid rank)",
          value: RUN_FORMAT,
        },
        tag: { help: "run tag in the TREC file (default: the output's name)", value: NAME },
      },
      fields: {
        ...STAGE_FIELDS.search,
        metric: STAGE_FIELDS.index.metric,
        expansionSearch: STAGE_FIELDS.index.expansionSearch,
      },
      shard: false,
      threads: "search threads (default: 0, all cores)",
    },
    async run(flags, ctx) {
      const out = one(flags, "out");
      const index = maybe(flags, "index");
      const embeddings = maybe(flags, "embeddings");
      if ((index === undefined) === (embeddings === undefined))
        throw new UsageError("search: give exactly one of --index or --embeddings");
      const settings = flags.settings as {
        depth: number;
        batchSize: number;
        metric: "ip" | "cos" | "l2";
        expansionSearch: number;
      };
      const target = index
        ? { kind: "index" as const, index, expansionSearch: settings.expansionSearch }
        : { kind: "exact" as const, embeddings: embeddings!, metric: settings.metric };
      const tag = maybe(flags, "tag") ?? (out === "-" ? "xqg" : basename(out).replace(/\.[^.]*$/, ""));
      const format = all(flags, "runFormat", RUN_FORMAT)[0];
      if (format === "xor")
        throw new UsageError(
          "search: --run-format xor: an XOR submission holds passage texts, which a search does not have",
        );
      await stages.searchStage(
        await envOf(flags, ctx),
        { target, queries: one(flags, "queries"), out, format, tag, manifest: manifestOf(out) },
        settings,
        ctx.stdout,
      );
    },
  },
  evaluate: {
    summary:
      "score a run: R@kt per language and macro average, qrels measures (nDCG@k, RR@k, R@k, P@k, MAP) like trec_eval; prints a table",
    usage:
      "--run RUN --qrels QRELS --metrics nDCG@10,RR@10,R@100 [--out EVAL.json] [--trec-eval [--per-query]] [settings]\n" +
      "       xqg evaluate --run RUN --queries FILE.jsonl --corpus FILE [--out EVAL.json] [settings]   (R@kt)\n" +
      '       (RUN or EVAL.json "-": standard input / output)',
    flags: {
      args: {
        run: {
          help: "the run: TREC, Tevatron TSV, MS MARCO TSV or XOR submission JSON, told from its content (see --run-format); - reads standard input",
          required: true,
        },
        runFormat: {
          help: `the run's format, where its content cannot tell it (${RUN_FORMAT_HELP})`,
          value: RUN_FORMAT,
        },
        queries: {
          help: "queries with answers (XOR-TyDi JSONL, or another query format); needed for R@kt, else optional (gives per-language means)",
        },
        corpus: { help: "the corpus the run ranks (R@kt reads the passages' text); needed for R@kt only" },
        qrels: { help: "TREC qrels, for R@k, MRR@k (alias RR@k), nDCG@k, MAP, P@k" },
        nltkData: {
          help: "NLTK punkt_tab data for R@kt (default: $NLTK_DATA, then NLTK's standard folders); never read without R@kt",
        },
        out: {
          help: "evaluation JSON (optional: without it the table alone is printed; - writes the JSON to standard output)",
        },
        trecEval: {
          help: "print trec_eval's output instead of the table: name<TAB>qid|all<TAB>value with trec_eval's names (ndcg_cut_10, recall_100, P_5, map, recip_rank); a measure trec_eval lacks (MRR@k: recip_rank has no cutoff; R@kt) keeps its xqg name",
          boolean: true,
        },
        perQuery: { help: "with --trec-eval, per-query lines first (trec_eval -q)", boolean: true },
        complete: {
          help: "qrels measures: true (default, trec_eval -c): judged queries missing from the run score 0 and count in the mean; false (trec_eval's default): the mean is over the judged queries the run contains. R@kt never counts missing queries, as the official script",
          value: BOOLEAN,
        },
      },
      fields: {
        ...STAGE_FIELDS.evaluate,
        ...inputFields("corpusFormat", "queriesFormat", "queriesLang", "languageNames"),
      },
      shard: false,
    },
    async run(flags, ctx) {
      const out = maybe(flags, "out");
      const run = one(flags, "run");
      const runFormat = all(flags, "runFormat", RUN_FORMAT)[0];
      const trecEval = maybe(flags, "trecEval") !== undefined;
      const perQuery = maybe(flags, "perQuery") !== undefined;
      if (perQuery && !trecEval) throw new UsageError("evaluate: --per-query goes with --trec-eval");
      if (out === "-" && trecEval)
        throw new UsageError(
          "evaluate: --out - writes the evaluation JSON to standard output; --trec-eval prints there too: give --out a file",
        );
      const stage = stages;
      const result = await stage.evaluate(
        await envOf(flags, ctx),
        {
          run,
          runFormat,
          queries: maybe(flags, "queries"),
          corpus: maybe(flags, "corpus"),
          qrels: maybe(flags, "qrels"),
          nltkData: maybe(flags, "nltkData"),
          complete: all(flags, "complete", BOOLEAN)[0],
          out,
          manifest: manifestOf(out ?? "evaluation.json"),
        },
        flags.settings as never,
      );
      const evaluation = result.evaluation ?? (await stage.readEvaluation(out!));
      if (out === "-") {
        ctx.stdout.write(`${JSON.stringify(evaluation, null, 1)}\n`);
        return;
      }
      if (!trecEval) {
        ctx.stdout.write(stage.evaluationTable(evaluation) + stage.countsLine(evaluation));
        return;
      }
      const ranked = perQuery ? (result.run ?? (await stage.readRunFile(run, runFormat))) : undefined;
      ctx.stdout.write(stage.evaluationTrecEval(evaluation, ranked, perQuery));
    },
  },
  report: {
    summary: "tables (Markdown, JSON) with significance markers against the baseline, and SVG plots",
    usage:
      "--baseline EVAL.json --alpha 0.01=EVAL.json ... [--ablation N=EVAL.json ... --ablation-alpha NUMBER] --out DIR",
    flags: {
      args: {
        baseline: { help: "evaluation of the baseline (α = 0)", required: true },
        alpha: {
          help: "evaluation of xQG at α = NUMBER (repeat for each α)",
          value: ALPHA_EVAL,
          multiple: true,
        },
        ablation: {
          help: "evaluation with N generated queries per language (repeat; with --ablation-alpha)",
          value: ABLATION_EVAL,
          multiple: true,
        },
        ablationAlpha: { help: "the α of the --ablation evaluations", value: ALPHA },
        out: { help: "directory for report.md, report.json and the plots", required: true },
      },
      fields: STAGE_FIELDS.report,
      shard: false,
    },
    async run(flags, ctx) {
      const out = one(flags, "out");
      const systems: Array<{ alpha: number; queriesPerLanguage: number | undefined; evaluation: string }> = [
        { alpha: 0, queriesPerLanguage: undefined, evaluation: one(flags, "baseline") },
      ];
      for (const [alpha, file] of all(flags, "alpha", ALPHA_EVAL))
        systems.push({ alpha, queriesPerLanguage: undefined, evaluation: file });
      const ablations = all(flags, "ablation", ABLATION_EVAL);
      if (ablations.length > 0) {
        const alpha = all(flags, "ablationAlpha", ALPHA)[0];
        if (alpha === undefined)
          throw new UsageError("report: --ablation needs --ablation-alpha, a number in (0, 1]");
        for (const [n, file] of ablations) systems.push({ alpha, queriesPerLanguage: n, evaluation: file });
      }
      await stages.reportStage(
        await envOf(flags, ctx),
        { systems, out, manifest: manifestOf(join(out, "report")) },
        flags.settings as never,
      );
      ctx.stdout.write(await readFile(join(out, "report.md"), "utf8"));
    },
  },
  run: {
    summary:
      "the whole experiment from one config: generate → encode → fuse → index → search → evaluate → report",
    usage: "CONFIG.yaml|json [--shard i/N | --queue URL [--attempts N]] [--threads N] [--force] [--quiet]",
    flags: {
      args: { ...QUEUE_FLAGS.run },
      fields: {},
      shard: true,
      threads: "overrides the config's threads",
      positionals: true,
    },
    async run(flags, ctx) {
      const [file, ...rest] = flags.positionals;
      if (!file || rest.length > 0)
        throw new UsageError("run: expected exactly one CONFIG file (see xqg run --help)");
      const loaded = await loadConfig(file);
      const config = flags.threads === undefined ? loaded : { ...loaded, threads: flags.threads };
      const queue = maybe(flags, "queue") ?? config.queue;
      if (queue !== undefined) {
        if (flags.shard !== WHOLE) throw new UsageError("run: --queue takes every shard; drop --shard");
        const attempts = all(flags, "attempts", POSITIVE)[0];
        await (await loadQueue("xqg run --queue")).runCoordinator(config, {
          queue,
          log: ctx.log,
          force: flags.force,
          ...(attempts === undefined ? {} : { attempts }),
        });
        ctx.stdout.write(await readFile(join(layout(config.output).report, "report.md"), "utf8"));
        return;
      }
      const keys = {
        corpus: config.corpus,
        queries: config.queries,
        qrels: config.qrels,
        generated: config.generated,
      };
      const named = Object.entries(keys).map(([key, path]) => [`${key} in ${file}`, path ? [path] : []]);
      const status = await runExperiment(config, {
        log: ctx.log,
        force: flags.force,
        ...(flags.shard !== WHOLE ? { shard: flags.shard } : {}),
      }).catch((error: unknown) => {
        throw explainEmptyInput(error, Object.fromEntries(named));
      });
      if (status === "shard-done") {
        ctx.log.info(`shard done; run \`xqg run ${file}\` once every shard is done to merge and finish`);
        return;
      }
      ctx.stdout.write(await readFile(join(layout(config.output).report, "report.md"), "utf8"));
    },
  },
  plan: {
    summary:
      "every unit of work of a config, its dependencies and its state (done, stale and why, pending): a dry run",
    usage: "CONFIG.yaml|json [--json] [--shard i/N]",
    flags: {
      args: {
        json: { help: `print the plan as JSON (schema ${PLAN_SCHEMA}, see the README)`, boolean: true },
      },
      fields: {},
      shard: true,
      positionals: true,
    },
    async run(flags, ctx) {
      const [file, ...rest] = flags.positionals;
      if (!file || rest.length > 0)
        throw new UsageError("plan: expected exactly one CONFIG file (see xqg plan --help)");
      const config = await loadConfig(file);
      const report = await inspectPlan(config, {
        log: ctx.log,
        ...(flags.shard !== WHOLE ? { shard: flags.shard } : {}),
      });
      if (flags.args["json"]!.length > 0) {
        ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const width = Math.max(...report.units.map((u) => u.key.length));
      for (const unit of report.units) {
        const reuse = unit.reuse
          ? `; would reuse ${unit.reuse.unchanged}, add ${unit.reuse.added}, change ${unit.reuse.changed}, remove ${unit.reuse.removed} ${unit.stage === "index" ? "vectors" : "passages"}`
          : "";
        const why = unit.reason === undefined ? "" : `  (${unit.reason}${reuse})`;
        ctx.stdout.write(`${unit.state.padEnd(7)}  ${unit.key.padEnd(width)}${why}\n`);
      }
      const count = (state: string) => report.units.filter((u) => u.state === state).length;
      ctx.stdout.write(
        `${report.units.length} units: ${count("done")} done, ${count("stale")} stale, ${count("pending")} pending\n`,
      );
    },
  },
  unit: {
    summary: "run exactly one unit of a config's plan (a key from xqg plan), once its dependencies are done",
    usage: "CONFIG.yaml|json KEY [--threads N] [--force] [--quiet]",
    flags: {
      args: {},
      fields: {},
      shard: false,
      threads: "overrides the config's threads",
      positionals: true,
    },
    async run(flags, ctx) {
      const [file, key, ...rest] = flags.positionals;
      if (!file || !key || rest.length > 0)
        throw new UsageError("unit: expected a CONFIG file and a unit KEY (see xqg unit --help)");
      const config = await loadConfig(file);
      const env = await prepareRun(
        flags.threads === undefined ? config : { ...config, threads: flags.threads },
        { log: ctx.log, force: flags.force },
      );
      await runPlannedUnit(config, key, env);
    },
  },
  clean: {
    summary:
      "remove from a config's output folder what its current plan no longer uses (outputs of dropped units, superseded files)",
    usage: "CONFIG.yaml|json [--dry-run]",
    flags: {
      args: {
        dryRun: { help: "list what would be removed, and remove nothing", boolean: true },
      },
      fields: {},
      shard: false,
      positionals: true,
      force: false,
    },
    async run(flags, ctx) {
      const [file, ...rest] = flags.positionals;
      if (!file || rest.length > 0)
        throw new UsageError("clean: expected exactly one CONFIG file (see xqg clean --help)");
      const dryRun = flags.args["dryRun"]!.length > 0;
      const report = await cleanOutput(await loadConfig(file), { dryRun });
      for (const removed of report.removed) ctx.stdout.write(`${removed.path}\n`);
      const bytes = report.removed.reduce((sum, removed) => sum + removed.bytes, 0);
      ctx.log.info(
        `${dryRun ? "would remove" : "removed"} ${report.removed.length} files (${formatBytes(bytes)}); kept ${report.kept}`,
      );
    },
  },
  ...QUEUE_COMMANDS,
};

/** `1.5 GB`, `320 kB`, `12 bytes`: sizes in decimal units, as `du --si` and `ls -h --si` print them. */
function formatBytes(bytes: number): string {
  const units = ["kB", "MB", "GB", "TB"];
  if (bytes < 1000) return `${bytes} bytes`;
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
