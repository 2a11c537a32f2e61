// Tokenizer choice, measured: parity with SentencePiece's own ids on every line of the shared XOR-TyDi text
// (tiny-mt5's Unigram tokenizer.json, whose normaliser is SentencePiece's nmt_nfkc Precompiled charsmap) and
// with the WordPiece goldens (tiny-bert) and Rust tokenizers' WordPiece ids on the same lines, then speed. Usage: pnpm --filter @xqg/models bench
import { createRequire } from "node:module";
import { join } from "node:path";
import { formatTable, measure, type Row } from "@xqg/bench-utils";
import { fixtureDir, goldens, spReferencePath } from "@xqg/fixtures";
import { sharedDataDir } from "@xqg/test-utils";
import { loadTokenizer } from "../src/index.js";
import { TOKENIZER_BACKENDS, type TokenizerBackendName } from "../src/tokenizer-backend.js";
import { loadSpReference, sourceLanguage } from "../test/sp-reference.js";

interface Candidate {
  name: string;
  /** content + special-token ids of each text, in order */
  encodeAll(texts: string[]): Promise<number[][]>;
}

const data = sharedDataDir();
if (!data) throw new Error("the tokenizer benchmark reads ../shared/data/xor-tydi; set XQG_SHARED_DIR");
const reference = loadSpReference(spReferencePath(), join(data, "xor-tydi"));
const bert = await goldens("tiny-bert");

async function jsCandidate(implementation: TokenizerBackendName, dir: string): Promise<Candidate> {
  const tokenizer = await loadTokenizer(dir, { implementation });
  return {
    name: `${implementation}: ${TOKENIZER_BACKENDS[implementation]}`,
    encodeAll: async (texts) => texts.map((text) => tokenizer.encode(text).ids),
  };
}

type RustTokenizer = {
  encode(text: string): Promise<{ getIds(): number[] }>;
  encodeBatch(texts: string[]): Promise<Array<{ getIds(): number[] }>>;
};

// tokenizers 0.13.3 cannot be a candidate: its linux-x64 binary package (tokenizers-linux-x64-gnu@0.13.3) is not
// on the registry, so require("tokenizers") throws. 0.23.2 bundles its binaries and loads.
function rustCandidates(dir: string): Candidate[] {
  const version = "0.23.2";
  const require = createRequire(import.meta.url);
  let Tokenizer: { fromFile(file: string): RustTokenizer };
  try {
    ({ Tokenizer } = require("tokenizers"));
  } catch (error) {
    console.error(`tokenizers ${version} does not load here: ${(error as Error).message.split("\n")[0]}`);
    return [];
  }
  const tokenizer = Tokenizer.fromFile(join(dir, "tokenizer.json"));
  return [
    {
      name: `tokenizers ${version} (Rust, napi), encode per text`,
      encodeAll: async (texts) => {
        const out: number[][] = [];
        for (const text of texts) out.push((await tokenizer.encode(text)).getIds());
        return out;
      },
    },
    {
      name: `tokenizers ${version} (Rust, napi), encodeBatch (Rust threads)`,
      encodeAll: async (texts) => (await tokenizer.encodeBatch(texts)).map((encoding) => encoding.getIds()),
    },
  ];
}

const rows: Row[] = [];
const perLanguage: Row[] = [];
const spTexts = reference.map((record) => record.text);
const bertTexts = bert.tokenization.map((sample) => sample.text);
const languages = [...new Set(reference.map((record) => sourceLanguage(record.source)))];

// WordPiece has no SentencePiece-like reference beyond the 13 PyTorch goldens, so over the 81,004 lines each
// candidate is compared with Rust `tokenizers` (the reference implementation of tokenizer.json).
const rustWordPiece = rustCandidates(fixtureDir("tiny-bert"))[1];
const wordPieceReference = rustWordPiece ? await rustWordPiece.encodeAll(spTexts) : undefined;

for (const implementation of ["xqg", "hf-js"] as const) {
  await evaluate(
    [await jsCandidate(implementation, fixtureDir("tiny-mt5"))],
    [await jsCandidate(implementation, fixtureDir("tiny-bert"))],
  );
}
await evaluate(rustCandidates(fixtureDir("tiny-mt5")), rustCandidates(fixtureDir("tiny-bert")));

async function evaluate(unigram: Candidate[], wordpiece: Candidate[]): Promise<void> {
  for (const [i, candidate] of unigram.entries()) {
    const ids = await candidate.encodeAll(spTexts); // warm-up and parity
    const timed = await bestOf(() => candidate.encodeAll(spTexts));
    const matches = ids.map((row, r) => sameIds(row, reference[r]!.ids));
    const bertIds = await wordpiece[i]!.encodeAll(bertTexts);
    const bertMatches = bertIds.filter((row, r) => sameIds(row, bert.tokenization[r]!.ids)).length;
    const wordPieceIds = await wordpiece[i]!.encodeAll(spTexts);
    const wordPieceTimed = await bestOf(() => wordpiece[i]!.encodeAll(spTexts));
    const agree = wordPieceReference
      ? wordPieceIds.map((row, r) => sameIds(row, wordPieceReference[r]!))
      : [];
    rows.push({
      tokenizer: candidate.name,
      "SentencePiece parity": `${matches.filter(Boolean).length}/${matches.length} (${percent(matches)})`,
      "WordPiece goldens": `${bertMatches}/${bertTexts.length}`,
      "WordPiece = Rust": wordPieceReference ? `${agree.filter(Boolean).length}/${agree.length}` : "n/a",
      "Unigram texts/s": spTexts.length / timed.seconds,
      "WordPiece texts/s": spTexts.length / wordPieceTimed.seconds,
    });
    const row: Row = { tokenizer: candidate.name };
    for (const language of languages) {
      row[language] = percent(matches.filter((_, r) => sourceLanguage(reference[r]!.source) === language));
    }
    if (i === 0) perLanguage.push(row);
  }
}

console.log(`${reference.length} lines of ../shared/data/xor-tydi (train questions + parallel files)\n`);
console.log(formatTable(rows));
console.log("\nSentencePiece parity by source (train = the train questions, others = parallel files):\n");
console.log(formatTable(perLanguage));

// Best of three: the machine is shared, so the fastest run is the least disturbed one.
async function bestOf(fn: () => Promise<unknown>): Promise<{ seconds: number }> {
  let seconds = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) seconds = Math.min(seconds, (await measure(fn)).seconds);
  return { seconds };
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function percent(matches: boolean[]): string {
  return `${((100 * matches.filter(Boolean).length) / Math.max(matches.length, 1)).toFixed(2)}%`;
}
