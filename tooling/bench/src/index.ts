export { formatTable, type Row } from "./table.js";
export { measure, type Measurement } from "./measure.js";
export { runIsolated, reportFromChild, type IsolatedResult } from "./isolated.js";
