import { describe, expect, it } from "vitest";
import { isPyWhitespace, pyRstrip, pySplit } from "../src/tokenize/python-text.js";

describe("Python str semantics", () => {
  it("treats exactly Python's isspace() characters as white space", () => {
    // python3 -c "print([hex(c) for c in range(0x10000) if chr(c).isspace()])"
    const python = [
      0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
      0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
    ];
    const ours = [];
    for (let c = 0; c < 0x10000; c++) if (isPyWhitespace(c)) ours.push(c);
    expect(ours).toEqual(python);
    expect(isPyWhitespace(0xfeff)).toBe(false); // JS \s includes U+FEFF, Python does not
  });

  it("splits and strips like str.split() and str.rstrip()", () => {
    expect(pySplit("  a\x1cb\u00a0c\ufeffd \n")).toEqual(["a", "b", "c\ufeffd"]);
    expect(pySplit(" \t ")).toEqual([]);
    expect(pyRstrip("ab \x85\u3000")).toBe("ab");
  });
});
