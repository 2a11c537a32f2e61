import { idsPath } from "@xqg/core";
import { LANGUAGES, type Lang } from "@xqg/corpus";
import { fuse, querySumFiles } from "@xqg/fusion";
import { runStage } from "../manifest.js";
import type { Progress } from "../progress.js";
import type { FuseSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

/**
 * Augmented matrices p' = (1 − α)·p + α·Σq for every α, in one streaming pass over P and Σq. `outputs` maps
 * each α to its .npy path (each gets a docids sidecar, the same as P's). With `languages` or `weights`, Σq is
 * Σ_l w_l·Σq_l over the per-language sums the encode stage kept (`encode.sumLanguages`).
 */
export async function fuseStage(
  env: StageEnv,
  io: {
    passages: string;
    sums: string;
    outputs: ReadonlyMap<number, string>;
    manifest: string;
  },
  settings: Omit<FuseSettings, "alphas">,
) {
  const alphas = [...io.outputs.keys()];
  const outs = [...io.outputs.values()];
  const selected = selectedLanguages(settings);
  const files = querySumFiles(io.sums, selected);
  return runStage(
    env,
    {
      stage: "fuse",
      manifest: io.manifest,
      inputs: {
        passages: io.passages,
        passageIds: idsPath(io.passages),
        sums: io.sums,
        sumIds: idsPath(io.sums),
        ...(settings.reduce === "mean" || selected.length > 0 ? { counts: files.counts } : {}),
        ...Object.fromEntries(selected.map((l) => [`sums.${l}`, files.languageSums[l]!])),
      },
      params: {
        alphas,
        reduce: settings.reduce,
        renormalize: settings.renormalize,
        ...(settings.languages ? { languages: settings.languages } : {}),
        ...(settings.weights ? { weights: settings.weights } : {}),
      },
      packages: ["@xqg/corpus", "@xqg/fusion"],
      outputs: outs.flatMap((out) => [out, idsPath(out)]),
    },
    async (staged) => {
      // the bar opens at the first block, which knows P's number of rows
      let progress: Progress | undefined;
      let done = 0;
      try {
        await fuse({
          passages: io.passages,
          sums: io.sums,
          alphas,
          reduce: settings.reduce,
          renormalize: settings.renormalize,
          ...(settings.languages ? { languages: settings.languages } : {}),
          ...(settings.weights ? { weights: settings.weights } : {}),
          out: (alpha: number) => staged(io.outputs.get(alpha)!),
          onProgress: (event) => {
            progress ??= env.log.progress(`fuse (${alphas.length} α)`, event.total, "passages");
            progress.tick(event.done - done);
            done = event.done;
          },
          signal: env.signal,
        });
      } finally {
        progress?.done();
      }
    },
  );
}

/** The languages whose Σq a language subset or weighting reads, in canonical order. */
export function selectedLanguages(settings: Pick<FuseSettings, "languages" | "weights">): Lang[] {
  const named = new Set<string>([...(settings.languages ?? []), ...Object.keys(settings.weights ?? {})]);
  return (Object.keys(LANGUAGES) as Lang[]).filter((l) => named.has(l));
}
