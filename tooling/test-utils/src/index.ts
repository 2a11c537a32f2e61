export { mulberry32 } from "./random.js";
export { type ReadmeExampleOptions, runReadmeExample } from "./readme.js";
export { sharedDataDir, sharedSkipReason } from "./shared.js";
export { withTempDir } from "./temp.js";
