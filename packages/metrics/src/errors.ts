import { XqgError, type XqgErrorInit } from "@xqg/core";

/**
 * The stable reason of a {@link MetricsError} (see the README's table). Wrong options and records of a
 * caller without TypeScript are @xqg/core's `unknown-option`, `invalid-option` and `invalid-record`.
 */
export type MetricsErrorCode =
  /** A measure that does not parse, takes no such parameter, or is listed twice; no measure at all. */
  | "bad-measure"
  /** A measure needs judgments that were not given (qrels; or queries' answers and passage text for R@kt). */
  | "missing-judgments"
  /** `passageText` has no text for a ranked passage (R@kt). */
  | "missing-passage"
  /** The run is not a `Run` (a Map of query id → docid → score). */
  | "invalid-run"
  /** A comparison that cannot be made: no system, an unknown baseline, test or correction, other measures. */
  | "bad-comparison"
  /** NLTK's punkt_tab files are missing or malformed. */
  | "punkt-data"
  /** An input file of `xqg-eval-xor` cannot be read or is not what it should be. */
  | "io"
  | "invalid-json"
  | "empty-file"
  | "truncated"
  | "wrong-type"
  | "missing-field"
  | "bad-value"
  /** `xqg-eval-xor` was given wrong arguments. */
  | "usage";

/** What a {@link MetricsError} is about: where, which field, and its stable code. */
export interface MetricsErrorInit extends XqgErrorInit {
  code: MetricsErrorCode;
}

/**
 * Every mistake a user of @xqg/metrics can make: a bad measure, missing judgments, a malformed input file, missing
 * Punkt data. An `XqgError` of @xqg/core; `code` says which (see {@link MetricsErrorCode}).
 */
export class MetricsError extends XqgError {
  declare readonly code: MetricsErrorCode;

  constructor(reason: string, init: MetricsErrorInit) {
    super(reason, init);
    this.name = "MetricsError";
  }
}
