import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { streamIds, writeFileAtomic } from "@xqg/core";
import { type DuplicatePolicy, type PassageFormat, readQrels } from "@xqg/corpus";
import type { Evaluation } from "@xqg/metrics";
import type { ModelTask } from "@xqg/models";
import {
  buildExperimentReport,
  type ExperimentSystem,
  experimentReportFiles,
  renderExperimentReport,
} from "@xqg/report";
import { UserError } from "../errors.js";
import { packageVersions, runStage } from "../manifest.js";
import type { ReportSettings } from "../settings/stages.js";
import { composedPackages, pipelineVersion } from "../version.js";
import { localModel, passageCount, type StageEnv } from "./common.js";

export interface ReportInput {
  /** The evaluations to compare; exactly one has α = 0 and no queries-per-language limit (the baseline). */
  readonly systems: ReadonlyArray<{
    alpha: number;
    queriesPerLanguage: number | undefined;
    evaluation: string;
  }>;
  /** Output directory: report.md, report.json and the SVG plots. */
  readonly out: string;
  readonly manifest: string;
  /** What the experiment was made from, for `provenance.json` (`xqg run` gives it; `xqg report` alone has none). */
  readonly provenance?: Provenance;
  /**
   * The ids of the passages the systems searched (the passage embeddings' sidecar): qrels that judge passages
   * outside them get a warning with the count when the report is made.
   */
  readonly passageIds?: string;
  /** The docids the corpus's delta files deleted (one a line; the corpus unit writes them), named apart. */
  readonly deletedPassages?: string;
}

/** The files and models of an experiment, by role; model entries may be Hugging Face ids. */
export interface Provenance {
  /** The experiment's settings (every stage's, after defaults): what the config decided, wherever it lives. */
  readonly settings: unknown;
  readonly corpus: string;
  /** How the corpus is read (its format and duplicate policy), so that its passages are counted the same way. */
  readonly corpusOptions?: { format?: PassageFormat; duplicates?: DuplicatePolicy };
  /** The files `corpus` was made from when it is the effective corpus of a base file and delta files, in order. */
  readonly corpusSources?: readonly string[];
  readonly queries: string;
  readonly qrels?: string | undefined;
  readonly generated?: string | undefined;
  readonly models: Readonly<Record<string, { readonly dirOrId: string; readonly task: ModelTask }>>;
}

/** What a parsed JSON lacks to be an evaluation as `xqg evaluate` writes it, or undefined. */
function evaluationProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return `expected a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`;
  const e = value as Record<string, unknown>;
  if (!Array.isArray(e["measures"]) || !e["measures"].every((m) => typeof m === "string"))
    return '"measures" is not a list of measure names';
  if (!Array.isArray(e["perQuery"])) return '"perQuery" is not a list';
  if (typeof e["scores"] !== "object" || e["scores"] === null) return '"scores" is missing';
  return undefined;
}

/** Markdown and JSON tables with significance markers, and SVG plots, from `xqg evaluate` outputs. */
export async function reportStage(env: StageEnv, io: ReportInput, settings: ReportSettings) {
  const loaded: ExperimentSystem[] = [];
  for (const s of io.systems) {
    let evaluation: Evaluation;
    try {
      evaluation = JSON.parse(await readFile(s.evaluation, "utf8")) as Evaluation;
    } catch {
      throw new UserError(`${s.evaluation}: cannot read an evaluation (the output of xqg evaluate)`);
    }
    const missing = evaluationProblem(evaluation);
    if (missing)
      throw new UserError(`${s.evaluation}: not an evaluation (the output of xqg evaluate): ${missing}`);
    loaded.push({ alpha: s.alpha, queriesPerLanguage: s.queriesPerLanguage, evaluation });
  }
  const baselines = loaded.filter((s) => s.alpha === 0 && s.queriesPerLanguage === undefined);
  if (baselines.length !== 1) throw new UserError("report: give exactly one baseline evaluation (α = 0)");
  const measures = baselines[0]!.evaluation.measures;
  io.systems.forEach((s, i) => {
    const theirs = loaded[i]!.evaluation.measures;
    if (theirs.join("\n") !== measures.join("\n"))
      throw new UserError(
        `${s.evaluation}: scores ${theirs.join(", ")}, the baseline evaluation ${measures.join(", ")}; evaluate every system on the same metrics`,
      );
  });
  // a paired test needs pairs: every system scored on the baseline's queries (the unscored would count as 0)
  const baseIndex = loaded.indexOf(baselines[0]!);
  const queriesOf = (e: Evaluation, m: string) =>
    new Set(e.perQuery.filter((q) => q.values[m] !== undefined).map((q) => q.id));
  for (const m of measures) {
    const base = queriesOf(baselines[0]!.evaluation, m);
    io.systems.forEach((s, i) => {
      if (i === baseIndex) return;
      const theirs = queriesOf(loaded[i]!.evaluation, m);
      const shared = [...theirs].filter((q) => base.has(q)).length;
      if (shared !== base.size || shared !== theirs.size)
        throw new UserError(
          `${s.evaluation}: scores ${m} on ${theirs.size} queries, the baseline evaluation ${io.systems[baseIndex]!.evaluation} on ${base.size} (${shared} in common); evaluate every system on the same queries (xqg evaluate --complete true scores a query a run lacks 0)`,
        );
    });
  }
  const ablation = loaded.some((s) => s.queriesPerLanguage !== undefined);
  const inputs: Record<string, string> = {};
  io.systems.forEach((s, i) => {
    inputs[`evaluation${i}`] = s.evaluation;
  });
  const models: Record<string, string> = {};
  if (io.provenance) {
    for (const [role, file] of Object.entries(files(io.provenance))) inputs[role] = file;
    for (const [role, m] of Object.entries(io.provenance.models))
      inputs[role] = models[role] = await localModel(m.dirOrId, m.task, env);
  }
  return runStage(
    env,
    {
      stage: "report",
      manifest: io.manifest,
      inputs,
      params: {
        // latex only when set, so that reports without it keep their digests
        ...(({ latex, ...rest }) => (latex ? { ...rest, latex } : rest))(settings),
        systems: io.systems.map((s) => ({
          alpha: s.alpha,
          queriesPerLanguage: s.queriesPerLanguage ?? null,
        })),
      },
      packages: ["@xqg/metrics", "@xqg/report"],
      outputs: [
        ...experimentReportFiles(measures, ablation, { latex: settings.latex }),
        ...(io.provenance ? ["provenance.json"] : []),
      ].map((f) => join(io.out, f)),
    },
    async (staged) => {
      const { test, maxP, correction, seed, rounds } = settings;
      const data = buildExperimentReport(loaded, { test, maxP, correction, seed, rounds });
      for (const [name, text] of renderExperimentReport(data, { latex: settings.latex }))
        await writeFile(staged(join(io.out, name)), text);
      if (io.provenance) {
        const record = await provenanceRecord(env, io.provenance, models);
        await writeFile(staged(join(io.out, "provenance.json")), `${JSON.stringify(record, null, 2)}\n`);
      }
    },
  ).then(async (status) => {
    // facts that change from run to run live apart, so that the report files stay byte-comparable
    if (status === "ran" && io.provenance?.qrels && io.passageIds)
      await warnUnretrievable(env, io.provenance.qrels, io.passageIds, io.deletedPassages);
    if (status === "ran" && io.provenance) {
      const info = {
        date: new Date().toISOString(),
        host: hostname(),
        node: process.version,
        pipeline: pipelineVersion(),
      };
      await writeFileAtomic(join(io.out, "run-info.json"), `${JSON.stringify(info, null, 2)}\n`);
    }
    return status;
  });
}

/**
 * A warning when the qrels judge passages that no system could retrieve, since the passages searched (`passageIds`,
 * the ids sidecar of the passage embeddings) lack them: one line for those the corpus's deltas deleted
 * (`deletedPassages`), one for the others, each with the count and the first in qrels order. The measures count
 * such a passage as not retrieved, which the reader of the scores should know. Holds the judged docids only (one
 * pass over the ids).
 */
async function warnUnretrievable(
  env: StageEnv,
  qrels: string,
  passageIds: string,
  deletedPassages: string | undefined,
): Promise<void> {
  const absent = new Set<string>();
  for await (const row of readQrels(qrels)) absent.add(row.docid);
  for await (const docid of streamIds(passageIds)) absent.delete(docid);
  if (absent.size === 0) return;
  const deleted = new Set<string>();
  if (deletedPassages)
    for await (const docid of streamIds(deletedPassages)) if (absent.has(docid)) deleted.add(docid);
  const missing = [...absent].filter((docid) => !deleted.has(docid));
  const line = (docids: readonly string[], what: [string, string]) =>
    env.log.warn(
      `${qrels}: ${docids.length} judged passage${docids.length === 1 ? ` ${what[0]}` : `s ${what[1]}`} (e.g. ${JSON.stringify(docids[0])}); measures count them as not retrieved`,
    );
  if (deleted.size > 0) line([...deleted], ["was deleted from the corpus", "were deleted from the corpus"]);
  if (missing.length > 0) line(missing, ["is not in the corpus", "are not in the corpus"]);
}

function files(p: Provenance): Record<string, string> {
  const out: Record<string, string> = { corpus: p.corpus, queries: p.queries };
  p.corpusSources?.forEach((file, i) => {
    out[`corpus.source${i}`] = file;
  });
  if (p.qrels) out["qrels"] = p.qrels;
  if (p.generated) out["generated"] = p.generated;
  return out;
}

/**
 * What the report was made from: the settings of every stage, each file and model (its path, or its Hugging Face
 * id) with its SHA-256, the corpus's passages and the queries' records, and the versions of the packages.
 * Deterministic: the same inputs give the same bytes, whatever the output folder.
 */
async function provenanceRecord(env: StageEnv, p: Provenance, models: Record<string, string>) {
  const entry = async (path: string) => ({ path, sha256: await env.hasher.hash(path) });
  const lines = (await readFile(p.queries, "utf8")).split("\n").filter((l) => l.trim() !== "").length;
  const settings = JSON.stringify(p.settings);
  const out: Record<string, unknown> = {
    settings: {
      sha256: createHash("sha256").update(settings).digest("hex"),
      ...(JSON.parse(settings) as object),
    },
    corpus: {
      ...(await entry(p.corpus)),
      passages: await passageCount(env, p.corpus, p.corpusOptions),
      // the base file and the delta files the effective corpus was made from
      ...(p.corpusSources ? { sources: await Promise.all(p.corpusSources.map(entry)) } : {}),
    },
    queries: { ...(await entry(p.queries)), records: lines },
  };
  if (p.qrels) out["qrels"] = await entry(p.qrels);
  if (p.generated) out["generated"] = await entry(p.generated);
  out["models"] = Object.fromEntries(
    await Promise.all(
      Object.entries(p.models).map(async ([role, m]) => [
        role,
        { path: m.dirOrId, sha256: await env.hasher.hash(models[role]!) },
      ]),
    ),
  );
  out["packages"] = packageVersions(composedPackages());
  return out;
}
