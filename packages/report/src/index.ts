export {
  buildExperimentReport,
  type ExperimentReport,
  type ExperimentRow,
  type ExperimentSignificance,
  type ExperimentSystem,
} from "./experiment.js";
export { experimentReportFiles, renderExperimentReport } from "./render.js";
