export {
  buildExperimentReport,
  type ExperimentReport,
  type ExperimentRow,
  type ExperimentSignificance,
  type ExperimentSystem,
} from "./experiment.js";
export { type LineChart, lineChartSvg, MAX_SERIES, niceTicks } from "./line-chart.js";
export {
  experimentLatex,
  experimentMarkdown,
  experimentPlots,
  experimentReportFiles,
  plotFile,
} from "./render.js";
