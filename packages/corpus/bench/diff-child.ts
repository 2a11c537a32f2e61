// One contender of bench/diff.ts, in its own process: diff an old and a new corpus of `count` passages.
//   xqg:   PassageFingerprint.from(old), then diffPassages(fingerprint, new)
//   naive: a Map from docid to a SHA-256 hex of title and text, then the new corpus streamed against it
import { hash } from "node:crypto";
import { reportFromChild } from "@xqg/bench-utils";
import { diffPassages, PassageFingerprint } from "../src/index.js";
import { newCorpus, oldCorpus } from "./diff-data.js";

const [mode, countText] = process.argv.slice(2) as ["xqg" | "naive", string];
const count = Number(countText);
const gc = (globalThis as { gc?: () => void }).gc!;
gc();
const baseline = process.memoryUsage();
const held = () => {
  gc();
  const now = process.memoryUsage();
  return now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers;
};
const cpu = process.cpuUsage();
let started = performance.now();
let counts: Record<string, number>;
let oldSeconds: number;
let heldOld: number;
let heldAll: number;
let tableBytes = 0;
/** What the measurements must keep alive (V8 frees a local after its last use). */
const keep: unknown[] = [];
if (mode === "xqg") {
  const fingerprint = await PassageFingerprint.from(oldCorpus(count));
  oldSeconds = (performance.now() - started) / 1000;
  keep.push(fingerprint);
  heldOld = held();
  started = performance.now();
  const diff = await diffPassages(fingerprint, newCorpus(count), { fingerprint: false });
  counts = diff.counts;
  keep.push(diff);
  heldAll = held();
  tableBytes = fingerprint.byteLength;
  if (diff.status.length === 0) throw new Error("empty");
} else {
  const before = new Map<string, string>();
  const content = (title: string, text: string) =>
    hash("sha256", `${title.length}\u0000${title}${text}`, "hex");
  for (const p of oldCorpus(count)) before.set(p.docid, content(p.title, p.text));
  oldSeconds = (performance.now() - started) / 1000;
  keep.push(before);
  heldOld = held();
  started = performance.now();
  const seen = new Set<string>();
  const status: number[] = [];
  const added: string[] = [];
  const changed: string[] = [];
  for (const p of newCorpus(count)) {
    const was = before.get(p.docid);
    seen.add(p.docid);
    if (was === undefined) {
      status.push(1);
      added.push(p.docid);
    } else if (was === content(p.title, p.text)) status.push(0);
    else {
      status.push(2);
      changed.push(p.docid);
    }
  }
  let removed = 0;
  for (const docid of before.keys()) if (!seen.has(docid)) removed++;
  counts = {
    added: added.length,
    changed: changed.length,
    removed,
    unchanged: status.length - added.length - changed.length,
  };
  heldAll = held();
}
const { user, system } = process.cpuUsage(cpu);
reportFromChild({
  counts,
  oldSeconds,
  diffSeconds: (performance.now() - started) / 1000,
  cpuSeconds: (user + system) / 1e6,
  heldOld,
  heldAll,
  tableBytes,
  baselineRss: baseline.rss,
  kept: keep.length,
});
