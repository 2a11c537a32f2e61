export { type IsolatedResult, reportFromChild, runIsolated } from "./isolated.js";
export { type Measurement, measure } from "./measure.js";
export { formatTable, type Row } from "./table.js";
