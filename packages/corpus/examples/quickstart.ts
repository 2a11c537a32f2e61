import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { idsPath, readIds, writeIds } from "@xqg/core";
import { createNpyWriter, openNpy, type Passage, readPassages, shard, writePassages } from "@xqg/corpus";

const passages: Passage[] = [
  { docid: "p1", title: "Helsinki", text: "Helsinki is the capital and most populous city of Finland." },
  { docid: "p2", title: "Tokyo", text: "Tokyo is the capital of Japan and one of its 47 prefectures." },
  { docid: "p3", title: "Seoul", text: "Seoul is the capital and largest city of South Korea." },
  { docid: "p4", title: "Cairo", text: "Cairo is the capital of Egypt and its largest city." },
  { docid: "p5", title: "Dhaka", text: "Dhaka is the capital and largest city of Bangladesh." },
];

// A stand-in for a dense encoder: four numbers computed from the text.
function embed(passage: Passage): Float32Array {
  const words = passage.text.split(" ");
  return Float32Array.of(words.length, passage.text.length / 10, passage.title.length, words[0]!.length / 3);
}

const dir = await mkdtemp(join(tmpdir(), "xqg-corpus-example-"));
try {
  // 1. Write the corpus: gzipped JSONL, atomically (temp file + rename).
  const corpus = join(dir, "corpus.jsonl.gz");
  const { records } = await writePassages(corpus, passages);
  console.log(`wrote ${records} passages to corpus.jsonl.gz`);

  // 2. Two workers, one shard each: embeddings streamed into .npy (float16), ids into the sidecar.
  for (let index = 0; index < 2; index++) {
    const npy = join(dir, `passages.${index}.npy`);
    const writer = await createNpyWriter(npy, { dimensions: 4, dtype: "float16" });
    const ids: string[] = [];
    for await (const passage of shard({ index, count: 2, total: records }).records(readPassages(corpus))) {
      await writer.append(embed(passage));
      ids.push(passage.docid);
    }
    await writer.close();
    await writeIds(idsPath(npy), ids);
  }

  // 3. Read the shards back: random access to rows, ids in the same order.
  for (let index = 0; index < 2; index++) {
    const npy = join(dir, `passages.${index}.npy`);
    const reader = await openNpy(npy);
    const ids = await readIds(idsPath(npy));
    const last = await reader.read(reader.rows - 1, 1);
    console.log(
      `shard ${index}: ${reader.rows} × ${reader.dimensions} ${reader.dtype} [${ids.join(" ")}]; ` +
        `${ids.at(-1)} = [${Array.from(last).join(", ")}]`,
    );
    await reader.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
