// Synthetic corpora for bench/diff.ts: an old corpus of `count` Wikipedia-sized passages (~600 characters)
// and its next version after a 1% change (0.4% deleted, 0.3% edited, 0.3% appended), generated on the fly so
// that the benchmark measures the diff, not a file read (reading is bench/run.ts's).
import type { Passage } from "../src/index.js";

const TEXTS = Array.from({ length: 997 }, (_, i) =>
  Array.from({ length: 80 }, (_, w) => `w${(i * 31 + w * 7) % 5003}`).join(" "),
);

const passage = (i: number, edited = false): Passage => ({
  docid: String(i + 1),
  title: `Title ${i % 10007}`,
  text: `${TEXTS[i % TEXTS.length]} ${i}${edited ? " (edited)" : ""}`,
});

/** What happens to old passage i: kept, deleted, or edited (a fixed pattern: 4, 3 of every 1,000). */
const fate = (i: number): "keep" | "delete" | "edit" => {
  const r = (i * 7919) % 1000;
  return r < 4 ? "delete" : r < 7 ? "edit" : "keep";
};

export function* oldCorpus(count: number): Generator<Passage> {
  for (let i = 0; i < count; i++) yield passage(i);
}

export function* newCorpus(count: number): Generator<Passage> {
  for (let i = 0; i < count; i++) {
    const f = fate(i);
    if (f !== "delete") yield passage(i, f === "edit");
  }
  const appended = Math.round(count * 0.003);
  for (let i = 0; i < appended; i++) yield passage(count + i);
}
