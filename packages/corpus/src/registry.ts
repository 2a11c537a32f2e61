import { GENERATED_FORMATS } from "./formats/generated.js";
import { PASSAGE_FORMATS } from "./formats/passages.js";
import { QUERY_FORMATS } from "./formats/queries.js";
import { RUN_FORMATS } from "./formats/runs.js";
import { TSV_DEFAULTS } from "./formats/tsv.js";
import { NPY_DEFAULTS, NPY_DTYPES } from "./npy/header.js";
import { DUPLICATE_POLICIES } from "./read/duplicates.js";

/**
 * Every choice this package offers, by name with a one-line description, and its defaults: for tools that list
 * them (a CLI's `--help`, a config schema). `passages`, `queries`, `generated`, `runs`: the file formats each
 * reader and writer takes as `format`; `npyDtypes`: the `.npy` storage types (`dtype`); `duplicates`: the
 * readers' `duplicates` policies; `defaults`: `{ tsv: { fieldSizeLimit }, npy: { dtype } }`.
 */
export const FORMATS = {
  passages: PASSAGE_FORMATS,
  queries: QUERY_FORMATS,
  generated: GENERATED_FORMATS,
  runs: RUN_FORMATS,
  npyDtypes: NPY_DTYPES,
  duplicates: DUPLICATE_POLICIES,
  defaults: { tsv: TSV_DEFAULTS, npy: NPY_DEFAULTS },
} as const;
