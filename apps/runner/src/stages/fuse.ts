import { idsPath } from "@xqg/corpus";
import { querySumFiles, sweepAlpha } from "@xqg/fusion";
import { runStage } from "../manifest.js";
import type { FuseSettings } from "../settings/stages.js";
import type { StageEnv } from "./common.js";

/**
 * Augmented matrices p' = (1 − α)·p + α·Σq for every α, in one streaming pass over P and Σq. `outputs` maps
 * each α to its .npy path (each gets a docids sidecar, the same as P's).
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
        ...(settings.reduce === "mean" ? { counts: querySumFiles(io.sums).counts } : {}),
      },
      params: { alphas, reduce: settings.reduce, renormalize: settings.renormalize },
      packages: ["@xqg/corpus", "@xqg/fusion"],
      outputs: outs.flatMap((out) => [out, idsPath(out)]),
    },
    async (staged) => {
      const progress = env.log.progress("fuse", alphas.length, "matrices");
      await sweepAlpha({
        passages: io.passages,
        sums: io.sums,
        alphas,
        reduce: settings.reduce,
        renormalize: settings.renormalize,
        out: (alpha: number) => staged(io.outputs.get(alpha)!),
      });
      progress.tick(alphas.length);
      progress.done();
    },
  );
}
