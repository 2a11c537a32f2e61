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

/** Whether a UTF-16 code unit is white space for Python (`str.isspace()`); none are surrogates. */
export function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Python `s.split()`: split on runs of white space, no empty strings. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isPyWhitespace(s.charCodeAt(i))) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** Python `s.rstrip()`. */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Whether Python's `s.strip()` would be empty. */
export function isPyBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isPyWhitespace(s.charCodeAt(i))) return false;
  return true;
}
