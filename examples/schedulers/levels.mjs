#!/usr/bin/env node
// Reads `xqg plan --json` on stdin and prints the units still to run, one line per level: every unit of a
// level depends only on units of earlier levels (or on units already done), so a level's units can run at
// the same time, on as many machines as there are units. Node ≥ 22, no dependencies.
//   xqg plan xqg.yaml --json | node levels.mjs
import { text } from "node:stream/consumers";

const plan = JSON.parse(await text(process.stdin));
if (plan.schema !== "xqg-plan/1")
  throw new Error(`levels.mjs reads plan schema xqg-plan/1, got ${plan.schema}`);
const level = new Map();
for (const unit of plan.units) {
  // the plan lists each unit after its dependencies, so their levels are known here
  if (unit.state === "done") level.set(unit.key, -1);
  else level.set(unit.key, Math.max(-1, ...unit.deps.map((dep) => level.get(dep) ?? -1)) + 1);
}
const levels = [];
for (const [key, at] of level) {
  if (at < 0) continue;
  levels[at] ??= [];
  levels[at].push(key);
}
for (const keys of levels) console.log(keys.join(" "));
