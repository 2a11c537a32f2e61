// The xqg command line as a function (tests, and tools that embed it). The experiment as a library is
// @xqg/pipeline; queued runs are @xqg/queue.
export { type MainIo, main } from "./cli/main.js";
