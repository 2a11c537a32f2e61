export {
  buildExperimentReport,
  type ExperimentReport,
  type ExperimentRow,
  type ExperimentSignificance,
  type ExperimentSystem,
} from "./experiment.js";
export { type LineChart, lineChartSvg } from "./line-chart.js";
export { experimentMarkdown, experimentPlots, experimentReportFiles, plotFile } from "./render.js";
