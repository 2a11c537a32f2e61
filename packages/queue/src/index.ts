export { PASSWORD_ENV, parseQueueUrl, type QueueTarget } from "./connection.js";
export {
  type CoordinateOptions,
  type CoordinatorOptions,
  coordinate,
  type QueuedUnit,
  runCoordinator,
} from "./coordinator.js";
export { HEALTH_PATHS } from "./health.js";
export { QUEUE_NAME, type UnitJob, type UnitResult } from "./jobs.js";
export { queueStatus } from "./status.js";
export { type RunningWorker, startWorker, type WorkerOptions } from "./worker.js";
