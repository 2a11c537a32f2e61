/** Where an error happened and why, in a form programs can act on. */
export interface XqgErrorInit {
  /** Machine-readable reason, e.g. `"missing-field"`; each package documents the codes it uses. */
  code: string;
  /** The file the problem is in, when there is one. */
  file?: string | undefined;
  /** 1-based line in `file`. */
  line?: number | undefined;
  /** The offending field, column or option. */
  field?: string | undefined;
  /** The error this one wraps (a Node.js I/O error, a JSON.parse failure, …). */
  cause?: unknown;
  /**
   * Put `file:line: ` before the reason in `message`. Default: when `file` is set. Pass false when the reason
   * already names the file in its own words.
   */
  prefix?: boolean;
}

const XQG_ERROR: unique symbol = Symbol.for("@xqg/core.XqgError");

/**
 * The base of every error the xqg packages throw for a problem the user can fix (bad input data, a wrong
 * option, a missing file). The message reads like a compiler's — `file:line: reason` — and the parts stay
 * available as `file`, `line`, `field` and `code`, so a CLI can print the message alone, never a stack trace.
 */
export class XqgError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  /** The message without the `file:line: ` prefix. */
  readonly reason: string;

  constructor(reason: string, init: XqgErrorInit, options?: { cause?: unknown }) {
    const cause = options?.cause ?? init.cause;
    super(XqgError.format(reason, init), cause === undefined ? undefined : { cause });
    this.name = "XqgError";
    this.code = init.code;
    this.file = init.file;
    this.line = init.line;
    this.field = init.field;
    this.reason = reason;
  }

  /** `file:line: reason` (`file: reason` without a line, `reason` alone without a file or with `prefix: false`). */
  static format(reason: string, where: Pick<XqgErrorInit, "file" | "line" | "prefix">): string {
    if (where.file === undefined || where.prefix === false) return reason;
    return `${where.file}${where.line === undefined ? "" : `:${where.line}`}: ${reason}`;
  }

  /** Marks xqg errors across copies of this package (two versions installed side by side). */
  get [XQG_ERROR](): true {
    return true;
  }
}

/**
 * Whether `error` is an {@link XqgError} (of any package: CorpusError, ModelError, AnnError, …), also when it
 * comes from another installed copy of @xqg/core.
 */
export function isXqgError(error: unknown): error is XqgError {
  if (error instanceof XqgError) return true;
  return (
    error instanceof Error &&
    (error as unknown as Partial<Record<typeof XQG_ERROR, unknown>>)[XQG_ERROR] === true
  );
}

/** Makes the error a reader or writer throws, so that each package can raise its own class. */
export type XqgErrorFactory = (reason: string, init: XqgErrorInit) => XqgError;

/** The default {@link XqgErrorFactory}: a plain XqgError. */
export const xqgError: XqgErrorFactory = (reason, init) => new XqgError(reason, init);
