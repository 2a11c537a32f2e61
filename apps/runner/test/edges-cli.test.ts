// The edges seen from the command line: empty inputs, warnings, outputs that are folders, devices or pipes, and
// JSON files that are not evaluations.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { QUICKSTART, spawnXqg, TINY_BERT, TINY_MT5, xqg } from "./helpers.js";

describe("an input with no records", () => {
  // The readers used to say "pass allowEmpty: true", which no flag or config key offers.
  it("names the config key in a config-driven run", async () => {
    await withTempDir(async (dir) => {
      const empty = join(dir, "empty.jsonl");
      await writeFile(empty, "");
      const config = join(dir, "exp.yaml");
      await writeFile(
        config,
        `output: ${join(dir, "out")}\ncorpus: ${empty}\nqueries: ${join(QUICKSTART, "dev.jsonl")}\n` +
          `encoder: ${TINY_BERT}\ngenerator: ${TINY_MT5}\nthreads: 1\n`,
      );
      const { code, stderr } = await xqg("run", config, "--quiet");
      expect(stderr).toBe(
        `xqg: ${empty}: file is empty (no records); corpus in ${config} must name a file with at least one record\n`,
      );
      expect(code).toBe(1);
    });
  });

  it("names the flag in a one-off command, for an empty file and one of blank lines", async () => {
    await withTempDir(async (dir) => {
      const empty = join(dir, "empty.jsonl");
      await writeFile(empty, "");
      const blank = join(dir, "blank.jsonl");
      await writeFile(blank, "\n\n");
      const generate = await xqg(
        "generate",
        "--corpus",
        empty,
        "--generator",
        TINY_MT5,
        "--out",
        join(dir, "g.jsonl"),
      );
      expect(generate.stderr).toBe(
        `xqg: ${empty}: file is empty (no records); --corpus must name a file with at least one record\n`,
      );
      expect(generate.code).toBe(1);
      const encode = await xqg(
        "encode",
        "--queries",
        blank,
        "--encoder",
        TINY_BERT,
        "--out",
        join(dir, "q.npy"),
      );
      expect(encode.stderr).toBe(
        `xqg: ${blank}: file is empty (no records); --queries must name a file with at least one record\n`,
      );
      expect(encode.code).toBe(1);
    });
  });
});

describe("warnings", () => {
  it("print as one plain xqg line, not Node's (node:PID) form", { timeout: 60_000 }, async () => {
    await withTempDir(async (dir) => {
      // tiny-bert has 64 positions: the default passage length (128) is clamped, with a warning
      const child = spawnXqg(
        ["encode", "--corpus", join(QUICKSTART, "corpus.jsonl"), "--encoder", TINY_BERT].concat([
          "--out",
          join(dir, "p.npy"),
          "--quiet",
        ]),
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise((done) => child.on("close", done));
      expect(code).toBe(0);
      expect(stderr).toBe(
        "xqg: warning: maxLength 128 exceeds the model's max_position_embeddings limit of 64 tokens; using 64\n",
      );
    });
  });
});

describe("a file output named by a folder", () => {
  it("is refused before any work, naming the output (not a staging path)", async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, "runs"));
      const embed = ["encode", "--queries", join(QUICKSTART, "dev.jsonl"), "--encoder", TINY_BERT, "--out"];
      const folder = await xqg(...embed, join(dir, "runs"), "--quiet");
      expect(folder.stderr).toBe(
        `xqg: encode: the output ${join(dir, "runs")} is a folder; name the file to write\n`,
      );
      expect(folder.code).toBe(1);
      const slash = await xqg(...embed, `${join(dir, "new")}/`, "--quiet");
      expect(slash.stderr).toBe(
        `xqg: encode: the output ${join(dir, "new")}/ ends with "/", a folder; name the file to write\n`,
      );
      expect(existsSync(join(dir, "new"))).toBe(false);
    });
  });
});

describe("an evaluation file that is JSON but not an evaluation", () => {
  it("names the file and what is missing (it was a TypeError about 'join')", async () => {
    await withTempDir(async (dir) => {
      const list = join(dir, "list.json");
      await writeFile(list, "[1, 2]\n");
      const partial = join(dir, "partial.json");
      await writeFile(partial, '{"measures": ["nDCG@10"]}\n');
      const out = join(dir, "report");
      const asList = await xqg(
        "report",
        "--baseline",
        list,
        "--alpha",
        `0.5=${list}`,
        "--out",
        out,
        "--quiet",
      );
      expect(asList.stderr).toBe(
        `xqg: ${list}: not an evaluation (the output of xqg evaluate): expected a JSON object, got an array\n`,
      );
      expect(asList.code).toBe(1);
      const half = await xqg(
        "report",
        "--baseline",
        partial,
        "--alpha",
        `0.5=${partial}`,
        "--out",
        out,
        "--quiet",
      );
      expect(half.stderr).toBe(
        `xqg: ${partial}: not an evaluation (the output of xqg evaluate): "perQuery" is not a list\n`,
      );
    });
  });
});

describe("an output that is a device or a pipe", () => {
  it("is refused before any work, and left as it was (the rename into place would replace it)", async () => {
    await withTempDir(async (dir) => {
      const fifo = join(dir, "out.npy");
      execFileSync("mkfifo", [fifo]);
      const { code, stderr } = await xqg(
        ...[
          "encode",
          "--queries",
          join(QUICKSTART, "dev.jsonl"),
          "--encoder",
          TINY_BERT,
          "--out",
          fifo,
          "--quiet",
        ],
      );
      expect(stderr).toBe(
        `xqg: encode: the output ${fifo} is not a regular file (a device, a pipe or a socket); xqg writes a file and renames it into place, which would replace it: name a file (or - for standard output where taken)\n`,
      );
      expect(code).toBe(1);
      expect((await lstat(fifo)).isFIFO()).toBe(true);
    });
  });
});
