import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { idsPath, readIds, writeIds } from "@xqg/core";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { CorpusError, createNpyWriter, openNpy, readNpy, writeNpy } from "../src/index.js";
import { fromHalfBits, toHalfBits } from "../src/npy/half.js";
import { encodeNpyHeader } from "../src/npy/header.js";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16)));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// Hand-assembled from the .npy spec (numpy/lib/format.py, v1.0): magic, version 1.0, uint16 LE header
// length 118 = 0x76, the dict, spaces (21 − len("3") growth digits + alignment) and "\n", so that the data
// starts at byte 128, a multiple of 64. `np.save` writes exactly these bytes (checked with numpy 2.4).
const HEADER_3x4_F4 = concat(
  Uint8Array.of(0x93),
  ascii("NUMPY"),
  Uint8Array.of(1, 0, 0x76, 0),
  ascii(`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }${" ".repeat(58)}\n`),
);
// Data bytes of np.array([[1,-2,0.5,3],[0,0,0,0],[1e-45,3.4028235e38,-1,0.25]], '<f4'), from np.save.
const DATA_3x4_F4 = hex(
  "0000803f000000c00000003f00004040000000000000000000000000000000000100000" + "0ffff7f7f000080bf0000803e",
);
const ROWS_3x4 = Float32Array.of(1, -2, 0.5, 3, 0, 0, 0, 0, 1e-45, 3.4028235e38, -1, 0.25);

describe(".npy header", () => {
  it("matches the spec bytes for shape (3, 4) float32", () => {
    expect(HEADER_3x4_F4.length).toBe(128);
    expect(encodeNpyHeader(3, 4, "float32")).toEqual(HEADER_3x4_F4);
  });

  it("keeps the same length for any row count (room for 21 digits), aligned to 64", () => {
    for (const rows of [0, 7, 123456789, 10 ** 15]) {
      const header = encodeNpyHeader(rows, 768, "float16");
      expect(header.length).toBe(128);
      expect(new TextDecoder().decode(header.subarray(10))).toMatch(
        new RegExp(`^\\{'descr': '<f2', 'fortran_order': False, 'shape': \\(${rows}, 768\\), \\} +\\n$`),
      );
    }
  });
});

describe("writeNpy / readNpy", () => {
  it("writes exactly the bytes np.save writes, and reads them back", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "e.npy");
      expect(await writeNpy(path, ROWS_3x4, { dimensions: 4 })).toEqual({ rows: 3 });
      expect(new Uint8Array(await readFile(path))).toEqual(concat(HEADER_3x4_F4, DATA_3x4_F4));
      const back = await readNpy(path);
      expect(back).toEqual({ data: ROWS_3x4, rows: 3, dimensions: 4, dtype: "float32" });
      expect(await readdir(dir)).toEqual(["e.npy"]);
    });
  });

  it("writes float16 as numpy does (round to nearest even) and converts back to float32", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "h.npy");
      await writeNpy(path, Float32Array.of(1, -2, 0.5, 65504, 1e-7, -0), { dimensions: 3, dtype: "float16" });
      const bytes = new Uint8Array(await readFile(path));
      expect(bytes.subarray(0, 128)).toEqual(
        concat(
          Uint8Array.of(0x93),
          ascii("NUMPY"),
          Uint8Array.of(1, 0, 0x76, 0),
          ascii(`{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }${" ".repeat(58)}\n`),
        ),
      );
      // From np.save(np.array([[1,-2,0.5],[65504,1e-7,-0.0]], '<f2')).
      expect(bytes.subarray(128)).toEqual(hex("003c00c00038ff7b02000080"));
      const back = await readNpy(path);
      expect(back.dtype).toBe("float16");
      expect(Array.from(back.data)).toEqual([1, -2, 0.5, 65504, 2 * 2 ** -24, -0]);
      expect(Object.is(back.data[5], -0)).toBe(true);
    });
  });

  it("reads v2 headers (uint32 length) and big-endian data", async () => {
    await withTempDir(async (dir) => {
      const dict = `{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }`;
      const padded = `${dict}${" ".repeat(64 - ((12 + dict.length + 1) % 64))}\n`;
      const header = concat(
        Uint8Array.of(0x93),
        ascii("NUMPY"),
        Uint8Array.of(2, 0),
        new Uint8Array(4),
        ascii(padded),
      );
      new DataView(header.buffer).setUint32(8, padded.length, true);
      expect(header.length % 64).toBe(0);
      const data = hex("3f800000c0000000" + "3e80000042c80000"); // 1, -2, 0.25, 100 big-endian
      const path = join(dir, "v2.npy");
      await writeFile(path, concat(header, data));
      const back = await readNpy(path);
      expect(back.rows).toBe(2);
      expect(Array.from(back.data)).toEqual([1, -2, 0.25, 100]);
      const reader = await openNpy(path);
      const into = new Float32Array(3).fill(7);
      expect(Array.from(await reader.read(1, 0, into))).toEqual([]);
      const row = await reader.read(1, 1, into);
      expect([row.buffer === into.buffer, Array.from(into)]).toEqual([true, [0.25, 100, 7]]);
      await reader.close();
    });
  });

  it("reads big-endian float16 ('>f2') exactly as NumPy does", async () => {
    await withTempDir(async (dir) => {
      // /usr/bin/python3 -c "import numpy as np; np.save('be.npy', np.array([[1, -2.5, 0.1, 65504],
      //   [6.1e-5, -0.0, 3.14159, 2**-24], [0.33, -1e4, 7, -65504]], dtype='>f2'))"   (NumPy 1.24.2)
      const dict = "{'descr': '>f2', 'fortran_order': False, 'shape': (3, 4), }";
      const header = concat(
        Uint8Array.of(0x93),
        ascii("NUMPY"),
        Uint8Array.of(1, 0, 0x76, 0),
        ascii(`${dict}${" ".repeat(0x76 - dict.length - 1)}\n`),
      );
      const data = hex("3c00c1002e667bff03ff8000424800013548f0e24700fbff");
      const path = join(dir, "be.npy");
      await writeFile(path, concat(header, data));
      const back = await readNpy(path);
      expect([back.rows, back.dimensions, back.dtype]).toEqual([3, 4, "float16"]);
      // float(x) for x in a.astype(np.float32).ravel()
      expect(Array.from(back.data)).toEqual([
        1,
        -2.5,
        0.0999755859375,
        65504,
        6.097555160522461e-5,
        -0,
        3.140625,
        2 ** -24,
        0.330078125,
        -10000,
        7,
        -65504,
      ]);
      expect(Object.is(back.data[5], -0)).toBe(true);
      const reader = await openNpy(path);
      expect(Array.from(await reader.read(2, 1))).toEqual([0.330078125, -10000, 7, -65504]);
      await reader.close();
    });
  });

  it("refuses a finite value beyond float16's range instead of storing infinity, naming the file and row", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "half.npy");
      const writer = await createNpyWriter(path, { dimensions: 3, dtype: "float16" });
      // 65519.99 still rounds to 65504; 65520 rounds to infinity
      await writer.append(Float32Array.of(1, 65504, -65519.99, 0, 0, 0));
      const error = await writer.append(Float32Array.of(2, 2, 2, 3, -65520, 3)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorpusError);
      expect((error as CorpusError).message).toBe(
        `${path}: row 3, column 1: -65520 is beyond float16's range (±65504); store float32 instead`,
      );
      await writer.abort();
      expect(await readdir(dir)).toEqual([]);
      // Infinity and NaN given as such are not an overflow: with the finite checks off they are stored as they are
      await writeNpy(path, Float32Array.of(Number.POSITIVE_INFINITY, Number.NaN), {
        dimensions: 2,
        dtype: "float16",
        checkFinite: false,
      });
      const back = await readNpy(path, { checkFinite: false });
      expect(Array.from(back.data)).toEqual([Number.POSITIVE_INFINITY, Number.NaN]);
    });
  });

  it("accepts headers written without growth padding (numpy < 1.23) and Python 2 long ints", async () => {
    await withTempDir(async (dir) => {
      const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }`;
      const padded = `${dict}${" ".repeat(64 - ((10 + dict.length + 1) % 64))}\n`;
      const header = concat(
        Uint8Array.of(0x93),
        ascii("NUMPY"),
        Uint8Array.of(1, 0, padded.length, 0),
        ascii(padded),
      );
      const path = join(dir, "old.npy");
      await writeFile(path, concat(header, hex("0000803f00000040")));
      expect(Array.from((await readNpy(path)).data)).toEqual([1, 2]);
    });
  });

  it("rejects bad files with a CorpusError naming the file", async () => {
    await withTempDir(async (dir) => {
      const bad = async (name: string, bytes: Uint8Array, message: RegExp) => {
        const path = join(dir, name);
        await writeFile(path, bytes);
        const error = await readNpy(path).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CorpusError);
        expect((error as CorpusError).code).toBe("npy-format");
        expect((error as CorpusError).message).toMatch(message);
        expect((error as CorpusError).message.startsWith(`${path}: `)).toBe(true);
      };
      const good = concat(HEADER_3x4_F4, DATA_3x4_F4);
      await bad("magic.npy", ascii("not numpy at all"), /bad magic/);
      // what an interrupted write leaves: nothing, or the first bytes of the header
      await bad(
        "empty.npy",
        new Uint8Array(0),
        /: empty file \(0 bytes\): not a \.npy file, or a write that was cut off$/,
      );
      await bad("cut.npy", good.subarray(0, 4), /: truncated \.npy header$/);
      await bad("short.npy", good.subarray(0, good.length - 3), /needs 176 \(truncated\)/);
      await bad("long.npy", concat(good, Uint8Array.of(0)), /file has 177 bytes/);
      const swap = (from: string, to: string) => {
        // Buffer's latin1 is ISO-8859-1 (TextDecoder's "latin1" is windows-1252 and maps the magic's 0x93)
        const text = Buffer.from(good).toString("latin1").replace(from, to);
        return new Uint8Array(Buffer.from(text, "latin1"));
      };
      await bad("f8.npy", swap("'<f4'", "'<f8'"), /dtype '<f8' is not supported/);
      await bad("fortran.npy", swap("False", "True "), /fortran_order=True/);
      await bad("shape.npy", swap("(3, 4)", "(12, )"), /not 2-D/);
    });
  });
});

describe("createNpyWriter", () => {
  it("streams rows in and fixes the header on close; nothing is visible before", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "s.npy");
      const writer = await createNpyWriter(path, { dimensions: 4 });
      await writer.append(ROWS_3x4.subarray(0, 4));
      await writer.append(new Float32Array(0));
      await writer.append(ROWS_3x4.subarray(4));
      expect(writer.rows).toBe(3);
      expect((await readdir(dir)).filter((f) => f === "s.npy")).toEqual([]);
      expect(await writer.close()).toEqual({ rows: 3 });
      expect(new Uint8Array(await readFile(path))).toEqual(concat(HEADER_3x4_F4, DATA_3x4_F4));
      expect(await readdir(dir)).toEqual(["s.npy"]);
    });
  });

  it("writes an empty (0, dim) array", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "empty.npy");
      const writer = await createNpyWriter(path, { dimensions: 5, dtype: "float16" });
      await writer.close();
      expect(await readNpy(path)).toEqual({
        data: new Float32Array(0),
        rows: 0,
        dimensions: 5,
        dtype: "float16",
      });
    });
  });

  it("serialises appends that were not awaited", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "q.npy");
      const writer = await createNpyWriter(path, { dimensions: 2 });
      const pending = Array.from({ length: 50 }, (_, i) => writer.append(Float32Array.of(i, -i)));
      await Promise.all(pending);
      await writer.close();
      const { data } = await readNpy(path);
      expect(Array.from(data)).toEqual(Array.from({ length: 50 }, (_, i) => [i, -i]).flat());
    });
  });

  it("abort leaves nothing behind; bad row lengths and dtypes are refused", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "a.npy");
      const writer = await createNpyWriter(path, { dimensions: 3 });
      await expect(writer.append(new Float32Array(4))).rejects.toThrow(
        `${path}: append got 4 values, not a multiple of dimensions 3`,
      );
      await writer.append(new Float32Array(3));
      await writer.abort();
      expect(await readdir(dir)).toEqual([]);
      await expect(writer.append(new Float32Array(3))).rejects.toThrow(/already aborted/);
      await expect(createNpyWriter(path, { dimensions: 0 })).rejects.toThrow(
        /dimensions must be a positive integer/,
      );
      await expect(createNpyWriter(path, { dim: 2 } as never)).rejects.toThrow(
        'createNpyWriter: unknown option "dim"',
      );
      await expect(createNpyWriter(path, { dimensions: 2, dtype: "int8" as "float16" })).rejects.toThrow(
        'dtype "int8" is not one of float32, float16',
      );
      expect(await readdir(dir)).toEqual([]);
    });
  });
});

describe("openNpy", () => {
  it("reads any row range and blocks without loading the file", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "r.npy");
      const dim = 3;
      const all = Float32Array.from({ length: 10 * dim }, (_, i) => i / 4);
      for (const dtype of ["float32", "float16"] as const) {
        await writeNpy(path, all, { dimensions: dim, dtype });
        const reader = await openNpy(path);
        expect([reader.rows, reader.dimensions, reader.dtype]).toEqual([10, 3, dtype]);
        expect(Array.from(await reader.read(4, 2))).toEqual(Array.from(all.subarray(12, 18)));
        expect(await reader.read(10, 0)).toEqual(new Float32Array(0));
        await expect(reader.read(9, 2)).rejects.toThrow(RangeError);
        const into = new Float32Array(3 * dim + 1).fill(-1);
        for (const start of [4, 0]) {
          const rows = await reader.read(start, 2, into);
          expect([rows.buffer === into.buffer, rows.byteOffset, rows.length]).toEqual([true, 0, 2 * dim]);
          expect(Array.from(rows)).toEqual(Array.from(all.subarray(start * dim, (start + 2) * dim)));
        }
        expect(Array.from(into.subarray(2 * dim))).toEqual([-1, -1, -1, -1]);
        await expect(reader.read(0, 4, into)).rejects.toThrow(/at least 12 values/);
        const blocks = [];
        for await (const block of reader.blocks({ batchSize: 4 }))
          blocks.push([block.start, block.rows.length / dim]);
        expect(blocks).toEqual([
          [0, 4],
          [4, 4],
          [8, 2],
        ]);
        await reader.close();
      }
    });
  });

  it("blocks a row range, numbering blocks in the whole file, and refuses a bad range naming it", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "r.npy");
      const dim = 2;
      const all = Float32Array.from({ length: 10 * dim }, (_, i) => i);
      await writeNpy(path, all, { dimensions: dim });
      const reader = await openNpy(path);
      const blocks = async (blockRows: number, range?: { start?: number; end?: number }) => {
        const out: Array<[number, number[]]> = [];
        for await (const block of reader.blocks({ batchSize: blockRows, ...range }))
          out.push([block.start, Array.from(block.rows)]);
        return out;
      };
      const rows = (start: number, end: number) => Array.from(all.subarray(start * dim, end * dim));
      expect(await blocks(4, { start: 3, end: 9 })).toEqual([
        [3, rows(3, 7)],
        [7, rows(7, 9)],
      ]);
      expect(await blocks(4, { start: 7 })).toEqual([[7, rows(7, 10)]]);
      expect(await blocks(6, { end: 1 })).toEqual([[0, rows(0, 1)]]);
      expect(await blocks(3, {})).toEqual(await blocks(3));
      expect(await blocks(3, { start: 5, end: 5 })).toEqual([]);
      expect(await blocks(3, { start: 10, end: 10 })).toEqual([]);
      const bad: Array<[{ start?: number; end?: number }, string]> = [
        [{ start: -1 }, "start: -1, end: 10"],
        [{ start: 6, end: 4 }, "start: 6, end: 4"],
        [{ end: 11 }, "start: 0, end: 11"],
        [{ start: 1.5, end: 4 }, "start: 1.5, end: 4"],
        [{ start: 0, end: Number.NaN }, "start: 0, end: NaN"],
        [{ start: "2" as unknown as number }, 'start: "2", end: 10'],
      ];
      for (const [range, values] of bad) {
        const error = await blocks(4, range).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toBe(
          `blocks({ ${values} }): the range must be integers with 0 ≤ start ≤ end ≤ 10 (the rows of ${path})`,
        );
      }
      await reader.close();
    });
  });
});

describe("float16 conversion", () => {
  it("matches numpy's astype(float16) bit for bit, subnormals, overflow, ties and NaN included", () => {
    // Expected bits from: np.array([...], np.float32).astype(np.float16).view(np.uint16)
    const cases: Array<[number, number]> = [
      [1, 0x3c00],
      [65504, 0x7bff],
      [65519, 0x7bff],
      [65520, 0x7c00], // halfway to 65536 → even → overflow to inf
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // tie with 0 → even
      [Math.fround(2 ** -25 * 1.0000001), 0x0001],
      [3 * 2 ** -25, 0x0002], // tie between 1 and 2 units → even
      [2 ** -14, 0x0400], // smallest normal
      [1 + 2 ** -11, 0x3c00], // tie → even mantissa
      [1 + 3 * 2 ** -11, 0x3c02],
      [-0, 0x8000],
      [Number.POSITIVE_INFINITY, 0x7c00],
      [Number.NEGATIVE_INFINITY, 0xfc00],
      [Number.NaN, 0x7e00],
      [0.1, 0x2e66],
      [1 / 3, 0x3555],
      [1e-8, 0x0000],
      [-2.5, 0xc100],
    ];
    expect(cases.map(([v]) => toHalfBits(v))).toEqual(cases.map(([, h]) => h));
  });

  it("decodes every half exactly and round-trips all finite halves", () => {
    expect(fromHalfBits(0x0001)).toBe(2 ** -24);
    expect(fromHalfBits(0x03ff)).toBe(1023 * 2 ** -24);
    expect(fromHalfBits(0x7bff)).toBe(65504);
    expect(fromHalfBits(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(fromHalfBits(0x7e00))).toBe(true);
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue;
      if (toHalfBits(fromHalfBits(h)) !== h) throw new Error(`half 0x${h.toString(16)} does not round-trip`);
    }
  });
});

describe("ids sidecar", () => {
  it("pairs X.npy with X.ids and keeps the order", async () => {
    expect(idsPath("/d/emb.npy")).toBe("/d/emb.ids");
    expect(idsPath("/d/emb.bin")).toBe("/d/emb.bin.ids");
    await withTempDir(async (dir) => {
      const path = idsPath(join(dir, "e.npy"));
      async function* ids() {
        yield* ["doc 1", "ünï", "3"];
      }
      expect(await writeIds(path, ids())).toEqual({ ids: 3 });
      expect(await readFile(path, "utf8")).toBe("doc 1\nünï\n3\n");
      expect(await readIds(path)).toEqual(["doc 1", "ünï", "3"]);
      await writeFile(path, "\ufeffa\r\nb");
      expect(await readIds(path)).toEqual(["a", "b"]);
      await expect(writeIds(join(dir, "bad.ids"), ["a", "b\nc"])).rejects.toThrow(
        `${join(dir, "bad.ids")}:2: id "b\\nc" must be a non-empty string without line breaks`,
      );
      expect((await readdir(dir)).sort()).toEqual(["e.ids"]);
    });
  });
});
