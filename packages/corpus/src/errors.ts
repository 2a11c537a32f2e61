import { XqgError, type XqgErrorInit } from "@xqg/core";

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
  | "duplicate-id"
  | "non-finite"
  | "record-too-long"
  | "io";

/** Where a {@link CorpusError} happened: its code, the file, and the line and field when known. */
export interface CorpusErrorInit {
  code: CorpusErrorCode;
  file: string;
  /** 1-based. */
  line?: number | undefined;
  /** The offending field, column or option. */
  field?: string | undefined;
  /** The error this one wraps (an I/O error, a JSON.parse failure, …). */
  cause?: unknown;
  /**
   * When the fix is to pass an option (e.g. the format that could not be told): its name and the values it
   * takes. The message then ends with `; pass { option } (one of …)`, and front ends that name the option their
   * own way (a flag, a config key) build their message from `problem` and `fix`.
   */
  fix?: CorpusErrorFix | undefined;
}

/** The option a {@link CorpusError} asks for, and its choices. */
export interface CorpusErrorFix {
  readonly option: string;
  readonly choices: readonly string[];
}

/**
 * A user-data problem, reported as `file:line: message` like a compiler would, never as a stack trace.
 * `line` is 1-based; `field` names the offending field or column when there is one. An {@link XqgError}
 * (`reason` is the message without the `file:line: ` prefix).
 */
export class CorpusError extends XqgError {
  declare readonly file: string;
  declare readonly code: CorpusErrorCode;

  /** The reason without the fix (`reason` when there is no `fix`). */
  readonly problem: string;
  readonly fix: CorpusErrorFix | undefined;

  constructor(reason: string, init: CorpusErrorInit) {
    const { fix, ...where } = init;
    super(fix ? `${reason}; pass { ${fix.option} } (one of ${fix.choices.join(", ")})` : reason, where);
    this.name = "CorpusError";
    this.problem = reason;
    this.fix = fix;
  }
}

/** Makes CorpusErrors from @xqg/core's XOR submission scanner and parser (what `readXorSubmission` streams through). */
export const corpusError = (reason: string, init: XqgErrorInit): CorpusError =>
  new CorpusError(reason, { ...init, file: init.file ?? "", code: init.code as CorpusErrorCode });

/** A data quirk that was repaired (e.g. `lang: " ar"` → `"ar"`), reported through `onWarning`. */
export interface CorpusWarning {
  file: string;
  line: number;
  field: string;
  code: "normalised-language" | "normalised-field" | "duplicate-record";
  message: string;
}
