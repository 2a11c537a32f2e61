/** Machine-readable reason of a {@link CorpusError}. */
export type CorpusErrorCode =
  | "missing-field"
  | "wrong-type"
  | "invalid-json"
  | "truncated"
  | "encoding"
  | "unknown-language"
  | "bad-columns"
  | "bad-header"
  | "empty-file"
  | "gzip"
  | "bad-value"
  | "npy-format"
  | "npy-shape"
  | "shard"
  | "io";

export interface CorpusErrorInit {
  file: string;
  line?: number | undefined;
  field?: string | undefined;
  code: CorpusErrorCode;
}

/**
 * A user-data problem, reported as `file:line: message` like a compiler would, never as a stack trace.
 * `line` is 1-based; `field` names the offending field or column when there is one.
 */
export class CorpusError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly code: CorpusErrorCode;
  /** The message without the `file:line: ` prefix. */
  readonly reason: string;

  constructor(reason: string, init: CorpusErrorInit, options?: { cause?: unknown }) {
    super(`${init.file}${init.line === undefined ? "" : `:${init.line}`}: ${reason}`, options);
    this.name = "CorpusError";
    this.file = init.file;
    this.line = init.line;
    this.field = init.field;
    this.code = init.code;
    this.reason = reason;
  }
}

/** A data quirk that was repaired (e.g. `lang: " ar"` → `"ar"`), reported through `onWarning`. */
export interface CorpusWarning {
  file: string;
  line: number;
  field: string;
  code: "normalised-language" | "normalised-field";
  message: string;
}
