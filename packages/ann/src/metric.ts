import { AnnError } from "./errors.js";

/**
 * Similarity measures an index can rank by. Every score is "higher is better": usearch reports distances,
 * and each entry here says how to turn one back into the score a researcher expects.
 */
export const METRICS = {
  ip: {
    usearch: "ip",
    headerCode: 0x69, // 'i'
    description: "inner product (the paper's faiss-flat IP search); score = p·q",
    fromDistance: (distance: number) => 1 - distance,
    // usearch's i8 kernels report ip and l2sq in raw integer units of rows scaled to norm 127.
    i8Units: true,
  },
  cos: {
    usearch: "cos",
    headerCode: 0x63, // 'c'
    description: "cosine similarity; score = p·q / (|p| |q|)",
    fromDistance: (distance: number) => 1 - distance,
    i8Units: false,
  },
  l2: {
    usearch: "l2sq",
    headerCode: 0x65, // 'e'
    description: "negated squared Euclidean distance; score = -|p - q|²",
    fromDistance: (distance: number) => -distance,
    i8Units: true,
  },
} as const;

export type Metric = keyof typeof METRICS;

export function checkMetric(metric: unknown): Metric {
  if (typeof metric === "string" && Object.hasOwn(METRICS, metric)) return metric as Metric;
  throw new AnnError(
    `unknown metric ${JSON.stringify(metric)}; allowed: ${Object.keys(METRICS).join(", ")}`,
    { code: "invalid-option", field: "metric" },
  );
}

const I8_UNIT = 127 * 127;

/** Converts usearch distances (in place, on a fresh array) into "higher is better" scores. */
export function scoresFromDistances(distances: Float32Array, metric: Metric, i8: boolean): Float32Array {
  const { fromDistance, i8Units } = METRICS[metric];
  const scale = i8 && i8Units ? 1 / I8_UNIT : 1;
  const scores = new Float32Array(distances.length);
  for (let i = 0; i < distances.length; i++) scores[i] = fromDistance(distances[i]!) * scale;
  return scores;
}
