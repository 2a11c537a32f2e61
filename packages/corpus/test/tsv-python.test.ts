import { describe, expect, it } from "vitest";
import { CorpusError } from "../src/errors.js";
import { TsvSplitter } from "../src/formats/tsv.js";

type Records = Array<[line: number, fields: string[]]>;

/**
 * [input, the records Python's csv reader gives: [first line, fields]], from Debian's Python 3.11.2 with
 *   python3 -c 'import csv, io, json, sys
 *   r = csv.reader(io.StringIO(json.loads(sys.argv[1]), newline=""), dialect="excel-tab"); out = []; prev = 0
 *   for row in r: out.append([prev + 1, row]); prev = r.line_num
 *   print(json.dumps(out, ensure_ascii=False))' "$INPUT_AS_JSON"
 * (a record's first line is the line after the one the previous record ended on).
 */
const PYTHON: Array<[string, Records]> = [
  ["a\tb\tc\n", [[1, ["a", "b", "c"]]]],
  ['a"b\tc\n', [[1, ['a"b', "c"]]]],
  ['"abc"def\tx\n', [[1, ["abcdef", "x"]]]],
  ['"a""b"\tc\n', [[1, ['a"b', "c"]]]],
  ['"a\tb"\tc\n', [[1, ["a\tb", "c"]]]],
  ['"a\nb"\tc\n', [[1, ["a\nb", "c"]]]],
  ['"a\r\nb"\tc\r\n', [[1, ["a\r\nb", "c"]]]],
  [
    "a\tb\r\nc\td\r\n",
    [
      [1, ["a", "b"]],
      [2, ["c", "d"]],
    ],
  ],
  [
    "a\rb\tc\n",
    [
      [1, ["a"]],
      [2, ["b", "c"]],
    ],
  ],
  ['""\t\t"x"\n', [[1, ["", "", "x"]]]],
  ['"abc" \tx\n', [[1, ["abc ", "x"]]]],
  ["a\t\n", [[1, ["a", ""]]]],
  ["a\t", [[1, ["a", ""]]]],
  ['"abc\n', [[1, ["abc\n"]]]],
  ['"abc', [[1, ["abc"]]]],
  [
    "\n\na\n",
    [
      [1, []],
      [2, []],
      [3, ["a"]],
    ],
  ],
  [" \n", [[1, [" "]]]],
  ['"a"b"c"\td\n', [[1, ['ab"c"', "d"]]]],
  ['"a\n\nb"\n', [[1, ["a\n\nb"]]]],
  ['x"\t"y\n', [[1, ['x"', "y\n"]]]],
  ['"\t"\n', [[1, ["\t"]]]],
  ['"""\n', [[1, ['"\n']]]],
  ['"a"\r', [[1, ["a"]]]],
  ["a\u0000b\tc\n", [[1, ["a\u0000b", "c"]]]],
  [
    '1\t"Aaron ""A"" is\nan\tolder"\tAaron\n2\ttwo\tTwo\n',
    [
      [1, ["1", 'Aaron "A" is\nan\tolder', "Aaron"]],
      [3, ["2", "two", "Two"]],
    ],
  ],
  ['"a\rb"\n', [[1, ["a\rb"]]]],
  [
    'a\tb\n"c\n',
    [
      [1, ["a", "b"]],
      [2, ["c\n"]],
    ],
  ],
  ['x\t"y"z"w"\n', [[1, ["x", 'yz"w"']]]],
  [
    "\r\n\r\n",
    [
      [1, []],
      [2, []],
    ],
  ],
  [
    "a\r\rb\n",
    [
      [1, ["a"]],
      [2, []],
      [3, ["b"]],
    ],
  ],
  [
    '"x"\r\n"y"\n',
    [
      [1, ["x"]],
      [2, ["y"]],
    ],
  ],
  ["\ufeffid\ttext\n", [[1, ["\ufeffid", "text"]]]],
  ['"日本\n語"\t🎉\n', [[1, ["日本\n語", "🎉"]]]],
];

/**
 * [input, N, records or Python's error], from the same one-liner with `csv.field_size_limit(N);` before the read.
 * A field of N characters (code points: 🎉 is one) is accepted, N + 1 is not.
 */
const PYTHON_LIMITS: Array<[string, number, Records | string]> = [
  ['"aaaaaaaaaa"\n', 10, [[1, ["aaaaaaaaaa"]]]],
  ['"aaaaaaaaaaa"\n', 10, "field larger than field limit (10)"],
  ["aaaaaaaaaaa\n", 10, "field larger than field limit (10)"],
  ["aaaaaaaaaa\n", 10, [[1, ["aaaaaaaaaa"]]]],
  ["🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉\n", 10, [[1, ["🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉"]]]],
  ["🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉\n", 10, "field larger than field limit (10)"],
  ['1\t"ab\n2\tcd\n3\tef\n', 8, "field larger than field limit (8)"],
  ['x\t"bbbbbbbb\n', 8, "field larger than field limit (8)"],
  ['"ab""cd"\n', 5, [[1, ['ab"cd']]]],
  ['"ab""cd"\n', 4, "field larger than field limit (4)"],
  ["aaaaaaaaaaa", 10, "field larger than field limit (10)"],
  ['"aaaaaaaaaaa', 10, "field larger than field limit (10)"],
  ['x\t"ab\r', 3, [[1, ["x", "ab\r"]]]],
];

/** Splits `input` fed in pieces of `size` characters (0: all at once); errors are kept as records. */
function split(
  input: string,
  size: number,
  limit?: number,
): Array<[number, readonly string[] | CorpusError]> {
  const splitter = new TsvSplitter("t.tsv", limit);
  const out: Array<[number, readonly string[] | CorpusError]> = [];
  const take = (batch: ReturnType<TsvSplitter["push"]>) => {
    if (!batch) return;
    for (const [i, fields] of batch.fields!.entries()) out.push([batch.numbers![i]!, fields]);
  };
  if (size === 0) take(splitter.push(input));
  else for (let i = 0; i < input.length; i += size) take(splitter.push(input.slice(i, i + size)));
  take(splitter.end());
  return out;
}

describe("dpr-tsv records are Python's csv.reader(f, dialect='excel-tab') records", () => {
  for (const size of [0, 1, 2, 3]) {
    it.each(PYTHON)(
      `%j (fed ${size === 0 ? "whole" : `${size} characters at a time`})`,
      (input, expected) => {
        expect(split(input, size)).toEqual(expected);
      },
    );
  }

  it.each(PYTHON_LIMITS)("%j with field_size_limit %d", (input, limit, expected) => {
    for (const size of [0, 1, 4]) {
      const records = split(input, size, limit);
      if (typeof expected !== "string") {
        expect(records).toEqual(expected);
        continue;
      }
      const failed = records.findIndex(([, fields]) => fields instanceof CorpusError);
      expect(failed, `${size}`).toBeGreaterThanOrEqual(0);
      const [line, error] = records[failed]!;
      expect(line).toBe(1);
      expect((error as CorpusError).message.startsWith(`t.tsv:1: ${expected} in column `)).toBe(true);
    }
  });
});
