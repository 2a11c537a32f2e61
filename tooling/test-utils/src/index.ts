export { sharedDataDir, sharedSkipReason } from "./shared.js";
export { withTempDir } from "./temp.js";
