// One contender of bench/run.ts, in its own process: @xqg/corpus reads (and writes back) the corpus.
import { reportFromChild } from "@xqg/bench-utils";
import { readPassages, writePassages } from "../src/index.js";

const [mode, input, output] = process.argv.slice(2) as ["read" | "copy", string, string];
const started = performance.now();
const cpu = process.cpuUsage();
let records = 0;
if (mode === "read") {
  for await (const passage of readPassages(input)) if (passage.docid.length > 0) records++;
} else {
  ({ records } = await writePassages(output, readPassages(input)));
}
const { user, system } = process.cpuUsage(cpu);
reportFromChild({
  records,
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: (user + system) / 1e6,
});
