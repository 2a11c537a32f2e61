import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedDataDir } from "@xqg/test-utils";

/** Benchmark inputs from the shared XOR-TyDi data: real multilingual questions, and ~100-word English passages. */
export function benchInputs(
  queryCount: number,
  passageCount: number,
): { queries: string[]; passages: string[] } {
  const data = sharedDataDir();
  if (!data) throw new Error("the encoder benchmark reads ../shared/data/xor-tydi; set XQG_SHARED_DIR");
  const dir = join(data, "xor-tydi");
  const queries = readFileSync(join(dir, "xor_train_retrieve_eng_span.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .slice(0, queryCount)
    .map((line) => (JSON.parse(line) as { question: string }).question);
  // Passages: consecutive English sentences of the parallel files joined to ~100 words (psgs_w100-sized).
  const words: string[] = [];
  for (const pair of readdirSync(join(dir, "parallel")).sort()) {
    words.push(
      ...readFileSync(join(dir, "parallel", pair, "en.txt"), "utf8")
        .split(/\s+/)
        .filter(Boolean),
    );
    if (words.length >= passageCount * 100) break;
  }
  const passages: string[] = [];
  for (let i = 0; i < passageCount; i++) passages.push(words.slice(i * 100, i * 100 + 100).join(" "));
  return { queries, passages };
}
