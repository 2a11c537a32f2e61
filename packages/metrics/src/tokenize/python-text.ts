// Python's `re` (str patterns) and `str` methods differ from JavaScript's in which characters they treat
// as white space and word characters, and in what `$` matches. These fragments reproduce Python 3's
// behaviour inside JavaScript regular expressions (all compiled with the `u` flag).

/** Characters for which Python's `str.isspace()` is true (and `\s` matches). JS `\s` differs (\ufeff vs \x1c-\x1f, \x85). */
export const PY_WS_CHARS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** Python `\s`. */
export const PY_S = `[${PY_WS_CHARS}]`;
/** Python `\S`. */
export const PY_NS = `[^${PY_WS_CHARS}]`;
/** Characters of Python's Unicode `\w` (alphanumeric per `str.isalnum()`, or `_`). */
export const PY_W_CHARS = "\\p{L}\\p{N}_";
/** Python `$` without MULTILINE: the end, or just before a final newline. */
export const PY_END = "(?=\\n?$)";

const SPLIT = new RegExp(`${PY_S}+`, "u");
const LEADING = new RegExp(`^${PY_S}+`, "u");
const TRAILING = new RegExp(`${PY_S}+$`, "u");

/** Python `s.split()`: split on runs of white space, no empty strings. */
export function pySplit(s: string): string[] {
  const parts = s.split(SPLIT);
  if (parts.length > 0 && parts[0] === "") parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Python `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(TRAILING, "");
}

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  return pyRstrip(s).replace(LEADING, "");
}
