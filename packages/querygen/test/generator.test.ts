import { symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProgressEvent } from "@xqg/core";
import type { GeneratedQueries } from "@xqg/corpus";
import { fixtureDir, goldens, type Mt5Goldens } from "@xqg/fixtures";
import { runReadmeExample, withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenerator, type GenerateOptions, type Generator } from "../src/index.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PASSAGES = [
  { docid: "d1", title: "Hamlet", text: "Hamlet is a tragedy written by William Shakespeare." },
  { docid: "d2", title: "Mount Fuji", text: "Mount Fuji is the highest mountain in Japan." },
  { docid: "d3", title: "", text: "Helsinki is the capital of Finland." },
];

/** transformers' PreTrainedTokenizerBase.clean_up_tokenization. */
function hfCleanUp(text: string): string {
  const rules: Array<[string, string]> = [
    [" .", "."],
    [" ?", "?"],
    [" !", "!"],
    [" ,", ","],
    [" ' ", "'"],
    [" n't", "n't"],
    [" 'm", "'m"],
    [" 's", "'s"],
    [" 've", "'ve"],
    [" 're", "'re"],
  ];
  return rules.reduce((t, [from, to]) => t.replaceAll(from, to), text);
}

let g: Mt5Goldens;
let generator: Generator;

beforeAll(async () => {
  g = await goldens("tiny-mt5");
  generator = await createGenerator(fixtureDir("tiny-mt5"));
});

afterAll(async () => {
  await generator.close();
});

async function collect(
  gen: Generator,
  passages: unknown[],
  options: GenerateOptions,
): Promise<GeneratedQueries[]> {
  const out: GeneratedQueries[] = [];
  for await (const record of gen.generate(passages as never, options)) out.push(record);
  return out;
}

describe("createGenerator on tiny-mt5", () => {
  it("completes the golden prompts from their text: same token ids and text as PyTorch greedy", async () => {
    const prompts = g.generation.prompts.map((p) => p.prompt);
    const out = await generator.complete(prompts, {
      strategy: "greedy",
      maxLength: g.generation.max_new_tokens + 1,
    });
    expect(out.map((c) => c[0]!.tokens)).toEqual(g.generation.prompts.map((p) => p.output_ids));
    // The goldens' text is SentencePiece's decode; transformers' decode (clean_up_tokenization_spaces, on by
    // default in the transformers the paper used) also removes the space before punctuation.
    expect(out.map((c) => c[0]!.text)).toEqual(g.generation.prompts.map((p) => hfCleanUp(p.text)));
  });

  it("formats the golden prompts with the paper's template", async () => {
    const { formatPrompt, PROMPT_TEMPLATE } = await import("../src/prompt.js");
    for (const p of g.generation.prompts) {
      expect(
        formatPrompt(PROMPT_TEMPLATE, { lang: p.lang as never, title: p.title, passage: p.passage }),
      ).toBe(p.prompt);
    }
  });

  it("prompts in the languages named by languageNames, with their English names", async () => {
    const languageNames = { sw: "Swahili", de: "German" };
    const records = [];
    for await (const r of generator.generate(PASSAGES.slice(0, 2), {
      languageNames,
      strategy: "greedy",
      maxLength: 8,
    }))
      records.push(r);
    const first: GeneratedQueries<"sw" | "de"> = records[0]!;
    expect(Object.keys(first.queries)).toEqual(["sw", "de"]);
    const { formatPrompt, PROMPT_TEMPLATE } = await import("../src/prompt.js");
    const prompts = PASSAGES.slice(0, 2).flatMap((p) =>
      (["sw", "de"] as const).map((lang) =>
        formatPrompt(PROMPT_TEMPLATE, { lang, title: p.title, passage: p.text }, languageNames),
      ),
    );
    expect(prompts[0]).toBe(
      "Generate a Swahili question for this passage: Hamlet Hamlet is a tragedy written by William Shakespeare.",
    );
    const completed = await generator.complete(prompts, { strategy: "greedy", maxLength: 8 });
    expect(records.flatMap((r) => [r.queries.sw![0], r.queries.de![0]])).toEqual(
      completed.map((c) => c[0]!.text),
    );
  });

  it("yields one record per passage, in order, with perLanguage queries per language", async () => {
    const out = await collect(generator, PASSAGES, {
      languages: ["te", "ja", "ar"],
      perLanguage: 3,
      batchSize: 4,
      seed: 3,
    });
    expect(out.map((r) => r.docid)).toEqual(["d1", "d2", "d3"]);
    for (const record of out) {
      expect(Object.keys(record.queries)).toEqual(["te", "ja", "ar"]);
      for (const queries of Object.values(record.queries)) expect(queries).toHaveLength(3);
    }
  });

  it("gives the same queries for a seed whatever the batch size, policy, cache mode or passage subset", async () => {
    const options: GenerateOptions = { languages: ["fi", "ko"], perLanguage: 4, seed: 11, maxLength: 20 };
    const reference = await collect(generator, PASSAGES, { ...options, batchSize: 8 });
    for (const batchSize of [1, 3, 5])
      expect(await collect(generator, PASSAGES, { ...options, batchSize })).toEqual(reference);
    expect(await collect(generator, PASSAGES, { ...options, finished: "pad" })).toEqual(reference);
    expect(await collect(generator, [PASSAGES[2]], options)).toEqual([reference[2]]);
    const recompute = await createGenerator(fixtureDir("tiny-mt5"), { kvCache: false });
    expect(await collect(recompute, PASSAGES, options)).toEqual(reference);
    await recompute.close();
    const split = await createGenerator(fixtureDir("tiny-mt5-split"));
    expect(split.decoderForm).toBe("split");
    expect(await collect(split, PASSAGES, options)).toEqual(reference);
    await split.close();
    const other = await collect(generator, PASSAGES, { ...options, seed: 12 });
    expect(other).not.toEqual(reference);
  });

  it("decodes a large perLanguage in sample ranges, bounded by the batch, with the same queries", async () => {
    const options: GenerateOptions = { languages: ["fi", "ko"], perLanguage: 12, seed: 5, maxLength: 12 };
    // batchSize 20: 6 prompts × 12 samples = 72 ≤ 20 × 5 sequences, one decode call
    const whole = await collect(generator, PASSAGES, { ...options, batchSize: 20 });
    // batchSize 8: ranges of 6 samples; batchSize 1: ranges of 5 (5, 5, 2)
    expect(await collect(generator, PASSAGES, { ...options, batchSize: 8 })).toEqual(whole);
    expect(await collect(generator, PASSAGES, { ...options, batchSize: 1 })).toEqual(whole);
    // the first samples of a larger perLanguage are the samples of a smaller one
    const five = await collect(generator, PASSAGES, { ...options, perLanguage: 5, batchSize: 1 });
    for (const [i, record] of five.entries())
      for (const [lang, queries] of Object.entries(record.queries))
        expect(whole[i]!.queries[lang as "fi"]!.slice(0, 5)).toEqual(queries);
  });

  it("reads async iterables lazily", async () => {
    let pulled = 0;
    async function* source() {
      for (const p of PASSAGES) {
        pulled++;
        yield p;
      }
    }
    const iterator = generator
      .generate(source(), { languages: ["ja"], perLanguage: 1, batchSize: 1 })
      [Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.docid).toBe("d1");
    expect(pulled).toBe(1);
  });

  it("names the passage and field of a bad record", async () => {
    await expect(
      collect(generator, [PASSAGES[0], { docid: "x", title: "t" }], { languages: ["ja"] }),
    ).rejects.toThrow('passage 1 (docid x): field "text" must be a string');
    // the first record is checked as every xqg reader checks one
    await expect(collect(generator, [{ docid: 7, text: "" }], {})).rejects.toThrow(
      'generate: passages: field "docid" must be a string; found a number',
    );
    await expect(collect(generator, [PASSAGES[0], { docid: 5, text: "" }], {})).rejects.toThrow(
      expect.objectContaining({
        name: "GenerationError",
        code: "invalid-record",
        field: "docid",
        message: 'passage 1: field "docid" must be a non-empty string',
      }),
    );
  });

  it("reports progress after each batch: passages done (generate), prompts done (complete)", async () => {
    const events: ProgressEvent[] = [];
    const options: GenerateOptions<"ja" | "en"> = {
      languages: ["ja", "en"],
      languageNames: { ja: "Japanese", en: "English" },
      strategy: "greedy",
      maxLength: 4,
      batchSize: 3,
      onProgress: (e) => events.push(e),
    };
    await collect(generator, PASSAGES, options as GenerateOptions);
    // batches of 3 prompts: d1 ja, d1 en, d2 ja | d2 en, d3 ja, d3 en
    expect(events).toEqual([1, 3].map((done) => ({ unit: "rows", task: "generate", done, total: 3 })));
    events.length = 0;
    await collect(generator, new Set(PASSAGES) as never, options as GenerateOptions);
    expect(events.map((e) => e.total)).toEqual([undefined, undefined]);
    events.length = 0;
    await generator.complete(["a", "b", "c"], {
      ...options,
      languages: undefined,
    } as GenerateOptions<string>);
    expect(events).toEqual([3].map((done) => ({ unit: "rows", task: "generate", done, total: 3 })));
  });

  it("stops at an aborted signal with AbortError, yielding nothing more", async () => {
    const controller = new AbortController();
    const records: unknown[] = [];
    const run = async () => {
      for await (const r of generator.generate(PASSAGES, {
        languages: ["ja"],
        strategy: "greedy",
        maxLength: 4,
        batchSize: 1,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }))
        records.push(r);
    };
    await expect(run()).rejects.toThrow(expect.objectContaining({ name: "AbortError" }));
    expect(records).toEqual([]);
    await expect(generator.complete(["a"], { signal: AbortSignal.abort() })).rejects.toThrow(
      expect.objectContaining({ name: "AbortError" }),
    );
  });

  it("names unknown options and bad values with a GenerationError", async () => {
    await expect(collect(generator, PASSAGES, { top_k: 5 } as GenerateOptions)).rejects.toThrow(
      'generate: unknown option "top_k" (did you mean "topK"?)',
    );
    await expect(collect(generator, PASSAGES, { topK: -1 })).rejects.toThrow(
      expect.objectContaining({ name: "GenerationError", code: "invalid-option", field: "topK" }),
    );
    await expect(createGenerator(fixtureDir("tiny-mt5"), { maxInputLength: 1 })).rejects.toThrow(
      expect.objectContaining({ code: "invalid-option", field: "maxInputLength" }),
    );
    await expect(
      createGenerator(fixtureDir("tiny-mt5"), { session: { intraOpThreads: 1 } } as never),
    ).rejects.toThrow('createSession: unknown option "intraOpThreads"');
  });

  it("says which decoder graph is missing", async () => {
    await withTempDir(async (dir) => {
      for (const f of ["encoder_model.onnx", "decoder_model.onnx", "tokenizer.json", "config.json"]) {
        await symlink(join(fixtureDir("tiny-mt5-split"), f), join(dir, f));
      }
      await expect(createGenerator(dir)).rejects.toThrow(/decoder_with_past_model\.onnx not found/);
    });
  });
});

describe("README", () => {
  it("runs the Usage example as written (on the tiny fixture)", async () => {
    // runReadmeExample throws if a line it rewrites no longer matches (else the example would run dist/).
    const printed = await runReadmeExample({
      readme: join(HERE, "..", "README.md"),
      replace: {
        'from "@xqg/querygen"': 'from "../src/index.js"',
        '"models/xor-tydi-docTquery-mt5-base"': JSON.stringify(fixtureDir("tiny-mt5")),
      },
    });
    expect(printed).toEqual([["p1", 2, 2]]);
  });
});
