// The anchor of bench/run.ts, in its own process: the loop most people write — readline + JSON.parse,
// and for the copy, JSON.stringify into a write stream (with drain handling, so memory stays fair).
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { reportFromChild } from "@xqg/bench-utils";

const [mode, input, output] = process.argv.slice(2) as ["read" | "copy", string, string];
const started = performance.now();
const cpu = process.cpuUsage();
let records = 0;
const lines = createInterface({ input: createReadStream(input), crlfDelay: Number.POSITIVE_INFINITY });
const out = mode === "copy" ? createWriteStream(output) : undefined;
for await (const line of lines) {
  const passage = JSON.parse(line) as { docid: string; title: string; text: string };
  if (
    out &&
    !out.write(`${JSON.stringify({ docid: passage.docid, title: passage.title, text: passage.text })}\n`)
  ) {
    await once(out, "drain");
  }
  if (passage.docid.length > 0) records++;
}
if (out) {
  out.end();
  await once(out, "finish");
}
const { user, system } = process.cpuUsage(cpu);
reportFromChild({
  records,
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: (user + system) / 1e6,
});
