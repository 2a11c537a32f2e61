// One `xqg` command in a process of its own, reporting its exit code and peak RSS to bench/scale.ts.
import { PassThrough } from "node:stream";
import { reportFromChild } from "@xqg/bench-utils";
import { main } from "../src/cli/main.js";

const stderr = new PassThrough();
let log = "";
stderr.on("data", (c) => {
  log += c;
});
const code = await main(process.argv.slice(2), { stdout: new PassThrough(), stderr });
if (code !== 0) {
  process.stderr.write(log);
  process.exit(code);
}
reportFromChild({ code });
