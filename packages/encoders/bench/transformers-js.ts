// Child process for run.ts: transformers.js ships its own onnxruntime-node (1.30.0), whose native library
// cannot share a process with @xqg/models' 1.23.2, so it is timed in a process of its own.
// usage: transformers-js.ts <request.json>
import { readFileSync } from "node:fs";
import { env, pipeline } from "@huggingface/transformers";
import { measure, reportFromChild } from "@xqg/bench-utils";

interface Request {
  root: string;
  id: string;
  texts: string[];
  /** texts xqg does not truncate, with xqg's CLS vectors in `reference` */
  checkTexts: string[];
  batchSize: number;
  threads: number;
  reference: number[];
}

const request = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Request;
env.allowRemoteModels = false;
env.localModelPath = `${request.root}/`;
const extractor = await pipeline("feature-extraction", request.id, {
  dtype: "fp32",
  local_files_only: true,
  session_options: { intraOpNumThreads: request.threads },
});
// Same inputs must give the same vectors, or the comparison is not like for like.
let maxDiff = 0;
if (request.checkTexts.length > 0) {
  const check = await extractor(request.checkTexts, { pooling: "cls" });
  const values = Array.from(check.data as Float32Array, (v, i) => Math.abs(v - request.reference[i]!));
  maxDiff = Math.max(...values);
} else {
  await extractor(request.texts.slice(0, request.batchSize), { pooling: "cls" }); // warm-up only
}
const { seconds } = await measure(async () => {
  for (let start = 0; start < request.texts.length; start += request.batchSize) {
    await extractor(request.texts.slice(start, start + request.batchSize), { pooling: "cls" });
  }
});
await extractor.dispose();
reportFromChild({ seconds, maxDiff });
