/**
 * What a long call reports as it goes: how much of its work is done, in the unit it counts. Every long xqg
 * call (encode, generate, Σq, fuse, search, index build, evaluate, hub download) takes `onProgress` with this
 * one type. `total` is undefined where the amount is not known in advance (a streamed corpus).
 */
export type ProgressEvent = RowsProgress | BytesProgress;

/** Work counted in records: passages, queries, prompts, matrix rows. */
export interface RowsProgress {
  readonly unit: "rows";
  /** The call reporting: `"encode"`, `"generate"`, `"sum"`, `"fuse"`, `"search"`, `"index"`, `"evaluate"`. */
  readonly task: string;
  readonly done: number;
  readonly total: number | undefined;
}

/** Work counted in bytes: a download. */
export interface BytesProgress {
  readonly unit: "bytes";
  readonly task: string;
  /** The file the bytes are of. */
  readonly file: string;
  readonly done: number;
  readonly total: number | undefined;
}

/** The options every long call shares. */
export interface LongCallOptions {
  /** Called after each batch of work with the running totals. */
  readonly onProgress?: ((event: ProgressEvent) => void) | undefined;
  /**
   * Cancels the call: it rejects with the signal's reason (the standard `AbortError` DOMException when
   * `abort()` is called without one) after the current batch, and leaves no partial output behind.
   */
  readonly signal?: AbortSignal | undefined;
}
