// The quickstart through `xqg run`: a cold run (per-stage times), a re-run where every manifest matches, and a
// re-run after adding one α (only fusion onward should run). Anchor: the cold run itself, i.e. what a pipeline
// without manifests pays every time.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { formatTable, measure } from "@xqg/bench-utils";
import { main } from "../src/cli/main.js";

const quickstart = resolve(import.meta.dirname, "../../../examples/quickstart");

async function run(config: string): Promise<string> {
  const stderr = new PassThrough();
  let log = "";
  stderr.on("data", (c) => {
    log += c;
  });
  const code = await main(["run", config], { stdout: new PassThrough(), stderr });
  if (code !== 0) throw new Error(log);
  return log;
}

const dir = await mkdtemp(join(tmpdir(), "xqg-bench-"));
try {
  const config = join(dir, "xqg.yaml");
  const base = (await readFile(join(quickstart, "xqg.yaml"), "utf8"))
    .replace(/^output: .*$/m, `output: ${join(dir, "out")}`)
    .replace(/^(corpus|queries): (.*)$/gm, (_, key, file) => `${key}: ${join(quickstart, file)}`)
    .replace(/^(encoder|generator): (.*)$/gm, (_, key, rel) => `${key}: ${resolve(quickstart, rel)}`);
  await writeFile(config, base);
  const cold = await measure(() => run(config));
  const warm = await measure(() => run(config));
  await writeFile(config, base.replace("alphas: [0, 0.01, 0.1, 0.3]", "alphas: [0, 0.01, 0.1, 0.2, 0.3]"));
  const alpha = await measure(() => run(config));

  const stages = new Map<string, number>();
  for (const match of cold.result.matchAll(/^xqg: (\w+): done in (?:(\d+)m)?([\d.]+)s/gm)) {
    const seconds = Number(match[2] ?? 0) * 60 + Number(match[3]);
    stages.set(match[1]!, (stages.get(match[1]!) ?? 0) + seconds);
  }
  const ran = (log: string) => (log.match(/ done in /g) ?? []).length;
  console.log(
    formatTable([
      {
        "xqg run examples/quickstart/xqg.yaml": "cold (every stage runs)",
        "wall s": cold.seconds,
        "stages run": ran(cold.result),
      },
      {
        "xqg run examples/quickstart/xqg.yaml": "re-run, nothing changed",
        "wall s": warm.seconds,
        "stages run": ran(warm.result),
      },
      {
        "xqg run examples/quickstart/xqg.yaml": "re-run, one α added",
        "wall s": alpha.seconds,
        "stages run": ran(alpha.result),
      },
    ]),
  );
  console.log();
  console.log(
    formatTable([...stages].map(([stage, seconds]) => ({ "stage (cold run)": stage, seconds: seconds }))),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
