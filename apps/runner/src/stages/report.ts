import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LanguageEvaluation } from "@xqg/metrics";
import {
  buildExperimentReport,
  type ExperimentSystem,
  experimentLatex,
  experimentMarkdown,
  experimentPlots,
  experimentReportFiles,
} from "@xqg/report";
import { UserError } from "../errors.js";
import { runStage } from "../manifest.js";
import type { ReportSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

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
}

/** Markdown and JSON tables with significance markers, and SVG plots, from `xqg evaluate` outputs. */
export async function reportStage(env: StageEnv, io: ReportInput, settings: ReportSettings) {
  const loaded: ExperimentSystem[] = [];
  for (const s of io.systems) {
    let evaluation: LanguageEvaluation;
    try {
      evaluation = JSON.parse(await readFile(s.evaluation, "utf8")) as LanguageEvaluation;
    } catch {
      throw new UserError(`${s.evaluation}: cannot read an evaluation (the output of xqg evaluate)`);
    }
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
  const ablation = loaded.some((s) => s.queriesPerLanguage !== undefined);
  const inputs: Record<string, string> = {};
  io.systems.forEach((s, i) => {
    inputs[`evaluation${i}`] = s.evaluation;
  });
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
      outputs: experimentReportFiles(measures, ablation, { latex: settings.latex }).map((f) =>
        join(io.out, f),
      ),
    },
    async (staged) => {
      const { test, maxP, correction, seed, rounds } = settings;
      const data = buildExperimentReport(loaded, { test, maxP, correction, seed, rounds });
      await writeFile(staged(join(io.out, "report.md")), experimentMarkdown(data));
      await writeFile(staged(join(io.out, "report.json")), `${JSON.stringify(data, null, 2)}\n`);
      if (settings.latex) await writeFile(staged(join(io.out, "report.tex")), experimentLatex(data));
      for (const [name, svg] of experimentPlots(data)) await writeFile(staged(join(io.out, name)), svg);
    },
  );
}
