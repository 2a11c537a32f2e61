// Careless and hostile inputs, as users make them: every case checks the exit code, the message, that no input
// changed, that nothing is half-written, and for interruptions that a rerun matches an uninterrupted run.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { QUICKSTART, smallExperiment, snapshot, spawnXqg, TINY_BERT, TINY_MT5, xqg } from "./helpers.js";

const sha = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

let reference: Map<string, Buffer>;

beforeAll(async () => {
  await withTempDir(async (dir) => {
    const config = await smallExperiment(dir);
    const r = await xqg("run", config, "--quiet");
    expect(r.code).toBe(0);
    reference = await snapshot(join(dir, "out"));
  });
});

// every case copies the inputs into a folder of its own, and provenance.json names the inputs' paths
const outputsOnly = (files: Map<string, Buffer>) =>
  new Map([...files].filter(([name]) => !name.startsWith("manifests/") && name !== "report/provenance.json"));

describe("no input is destroyed", () => {
  it.each([
    ["generate", ["--corpus", "C", "--generator", TINY_MT5, "--out", "C"], "(corpus)"],
    ["encode", ["--corpus", "C", "--encoder", TINY_BERT, "--out", "C"], "(corpus)"],
    [
      "encode into a model folder",
      ["--corpus", "C", "--encoder", TINY_BERT, "--out", `${TINY_BERT}/x.npy`],
      "",
    ],
  ])("%s: an output that is an input is refused before any work", async (_name, args) => {
    await withTempDir(async (dir) => {
      const corpus = join(dir, "c.jsonl");
      await writeFile(
        corpus,
        `${(await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).split("\n")[0]}\n`,
      );
      const before = await sha(corpus);
      const argv = (args as string[]).map((a) => (a === "C" ? corpus : a));
      const command = _name.split(" ")[0]!;
      const r = await xqg(command, ...argv);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/would overwrite the input|lies inside the input/);
      expect(await sha(corpus)).toBe(before);
    });
  });

  it("the same file through a symlink or another spelling of its path is refused too", async () => {
    await withTempDir(async (dir) => {
      const corpus = join(dir, "c.jsonl");
      await writeFile(
        corpus,
        `${(await readFile(join(QUICKSTART, "corpus.jsonl"), "utf8")).split("\n")[0]}\n`,
      );
      await symlink(corpus, join(dir, "link.jsonl"));
      await mkdir(join(dir, "sub"));
      for (const out of [join(dir, "link.jsonl"), join(dir, "sub", "..", "c.jsonl")]) {
        const r = await xqg("generate", "--corpus", corpus, "--generator", TINY_MT5, "--out", out);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          `xqg: generate: the output ${out} would overwrite the input ${corpus} (corpus); write it elsewhere\n`,
        );
      }
    });
  });

  it("staging is never deleted through a symlink: a linked .xqg-staging is refused and its target kept", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const victim = join(dir, "precious");
      await mkdir(join(victim, "generate"), { recursive: true });
      await writeFile(join(victim, "generate", "thesis.tex"), "years of work");
      await mkdir(join(dir, "out", "generated"), { recursive: true });
      await writeFile(join(dir, "out", ".xqg-output"), "");
      await symlink(victim, join(dir, "out", "generated", ".xqg-staging"));
      const r = await xqg("run", config, "--quiet");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\.xqg-staging: is a symlink, not the staging folder xqg makes/);
      expect(await readFile(join(victim, "generate", "thesis.tex"), "utf8")).toBe("years of work");
    });
  });

  it("a non-empty folder that is not an xqg output (or /) is refused, and left as it was", async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, "mine"));
      await writeFile(join(dir, "mine", "report.md"), "my notes");
      for (const output of [join(dir, "mine"), "/"]) {
        const config = await smallExperiment(dir, output);
        const r = await xqg("run", config, "--quiet");
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          `xqg: ${config}: output: ${output} is not empty and is not an xqg output folder (it has no .xqg-output); choose a new or empty folder\n`,
        );
      }
      expect(await readFile(join(dir, "mine", "report.md"), "utf8")).toBe("my notes");
      expect(existsSync(join(dir, "mine", ".xqg-output"))).toBe(false);
    });
  });
});

describe("no silent wrong answer from edited outputs", () => {
  it("an output edited in place with its size and mtime kept is noticed and rebuilt", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      expect((await xqg("run", config, "--quiet")).code).toBe(0);
      const fused = join(dir, "out", "fused", "alpha-0.5.npy");
      const before = await stat(fused, { bigint: true });
      const bytes = await readFile(fused);
      bytes[bytes.length - 1] = bytes.at(-1)! ^ 0xff; // one byte of the last float
      await writeFile(fused, bytes);
      // put the old mtime back to the nanosecond (utimes takes seconds as a double and would round it)
      const ns = before.mtimeNs;
      execFileSync("touch", [
        "-m",
        "-d",
        `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, "0")}`,
        fused,
      ]);
      const after = await stat(fused, { bigint: true });
      expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
      const r = await xqg("run", config);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/fuse: done in/);
      expect(r.stderr).toMatch(/encode: up to date/);
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(outputsOnly(reference));
    });
  });
});

describe("one run per unit of work", () => {
  it("two runs on the same output at once: the second waits for the first's units, both finish, same outputs", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const run = () => {
        const child = spawnXqg(["run", config]);
        let stderr = "";
        child.stderr.on("data", (c) => {
          stderr += c;
        });
        return new Promise<{ code: number | null; stderr: string }>((done) =>
          child.on("exit", (code) => done({ code, stderr })),
        );
      };
      const [a, b] = await Promise.all([run(), run()]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect(`${a.stderr}${b.stderr}`).toMatch(/waiting for [^:]+:\d+ \(working since /);
      expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(outputsOnly(reference));
      expect(existsSync(join(dir, "out", "generated", ".xqg-staging"))).toBe(false);
    });
  });

  it("abandoned staging of a unit no one holds is removed by the next run", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const stale = join(dir, "out", "embeddings", ".xqg-staging", "encode.from-an-old-config");
      await mkdir(stale, { recursive: true });
      await writeFile(join(dir, "out", ".xqg-output"), "");
      await writeFile(join(stale, "passages.npy"), Buffer.alloc(4096));
      expect((await xqg("run", config, "--quiet")).code).toBe(0);
      expect(existsSync(stale)).toBe(false);
    });
  });
});

describe("interruptions", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s exits %i with a resume hint; the rerun gives the uninterrupted outputs",
    async (signal, code) => {
      await withTempDir(async (dir) => {
        const config = await smallExperiment(dir);
        const child = spawnXqg(["run", config]);
        let stderr = "";
        child.stderr.on("data", (c) => {
          stderr += c;
        });
        const exited = new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
        const deadline = Date.now() + 60_000;
        while (!stderr.includes("generate") && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        child.kill(signal);
        expect(await exited).toBe(code);
        expect(stderr).toContain(`xqg: interrupted (${signal}); rerun the same command to resume`);
        expect(existsSync(join(dir, "out", "manifests", "generate.json.lease"))).toBe(false);
        expect((await xqg("run", config, "--quiet")).code).toBe(0);
        expect(outputsOnly(await snapshot(join(dir, "out")))).toEqual(outputsOnly(reference));
      });
    },
  );
});

describe("errors keep their cause", () => {
  it("an unreadable config says why", async () => {
    await withTempDir(async (dir) => {
      const r = await xqg("run", join(dir, "missing.yaml"));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `xqg: ${join(dir, "missing.yaml")}: cannot read the config file (no such file)\n`,
      );
      const folder = join(dir, "a-folder.yaml");
      await mkdir(folder);
      expect((await xqg("run", folder)).stderr).toBe(
        `xqg: ${folder}: cannot read the config file (it is a folder)\n`,
      );
    });
  });
});

describe("sizes a typo could make endless are refused up front", () => {
  it.each([
    ["--shard 0/100000000", ["--shard", "0/100000000"], /--shard: expected i\/N with 0 ≤ i < N ≤ 100,000/],
    [
      "report.rounds 1e12",
      ["report:\n  rounds: 1000000000000"],
      /report\.rounds: expected an integer in \[1, 10000000\]/,
    ],
    [
      "generate.temperature 0",
      ["generate:\n  temperature: 0"],
      /generate\.temperature: expected a number > 0/,
    ],
    ["generate.topP 0", ["generate:\n  topP: 0"], /generate\.topP: expected a number in \(0, 1\]/],
    [
      "generate.perLanguage 1000",
      ["generate:\n  perLanguage: 1000"],
      /generate\.perLanguage: expected an integer in \[1, 100\]/,
    ],
  ])("%s", async (_name, extra, message) => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const flags = extra[0]!.startsWith("--") ? extra : [];
      if (flags.length === 0) {
        // replace the stage's line of the small config by the hostile one
        const section = extra[0]!.split(":")[0]!;
        const text = (await readFile(config, "utf8"))
          .split("\n")
          .filter((l) => !l.startsWith(`${section}:`))
          .join("\n");
        await writeFile(config, `${text}\n${extra[0]}\n`);
      }
      const started = Date.now();
      const r = await xqg("run", config, ...flags);
      expect(r.code).toBe(flags.length > 0 ? 2 : 1);
      expect(r.stderr).toMatch(message);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(existsSync(join(dir, "out"))).toBe(false);
    });
  });

  it("questions whose answers are all yes/no leave a language unscored (–), and the report is written", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const queries = (await readFile(join(dir, "dev.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { lang: string; answers: string[] });
      // two languages (the small experiment's queries are all Arabic): the Arabic ones answerable by yes/no only
      const firstLang = queries[0]!.lang;
      const edited = queries.map((q, i) => (i < 10 ? { ...q, answers: ["yes"] } : { ...q, lang: "ja" }));
      await writeFile(join(dir, "dev.jsonl"), `${edited.map((q) => JSON.stringify(q)).join("\n")}\n`);
      const r = await xqg("run", config, "--quiet");
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(`| ${firstLang} `);
      expect(existsSync(join(dir, "out", "report", "report.md"))).toBe(true);
    });
  });
});

describe("duplicate ids never change scores silently", () => {
  it("a passage id seen twice stops the run naming both lines; duplicates: first keeps the first", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const corpus = (await readFile(join(dir, "corpus.jsonl"), "utf8")).trim().split("\n");
      const copy = { ...JSON.parse(corpus[2]!), text: "Another passage that reuses an id." };
      await writeFile(join(dir, "corpus.jsonl"), `${[...corpus, JSON.stringify(copy)].join("\n")}\n`);
      const r = await xqg("run", config, "--quiet");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`corpus\\.jsonl:31: duplicate docid "${copy.docid}": first on line 3`),
      );
      expect(existsSync(join(dir, "out", "report"))).toBe(false);
      await writeFile(config, `${await readFile(config, "utf8")}duplicates: first\n`);
      const kept = await xqg("run", config, "--quiet");
      expect(kept.code).toBe(0);
      const ids = (await readFile(join(dir, "out", "embeddings", "passages.ids"), "utf8")).trim().split("\n");
      expect(ids).toHaveLength(30);
      expect(ids.filter((id) => id === copy.docid)).toHaveLength(1);
    });
  });
});
