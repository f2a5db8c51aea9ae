/**
 * The metrics of a classify evaluation run (extend-ai `ClassifyEvaluationSetRunMetrics`): accuracy,
 * per-class precision/recall/F1 keyed by classification type, latency percentiles; plus the documented
 * Docsort extensions: macro-F1, a confusion matrix, the expected calibration error and a reliability table.
 *
 * A run that failed counts as a wrong answer (its predicted class is "(failed)"), so a classifier cannot look
 * better by failing on hard files; runs still in flight are not counted yet.
 */

export interface EvaluatedRun {
  expectedType: string;
  status: string;
  predictedType: string | null;
  confidence: number | null;
  latencyMs: number | null;
  pages: number;
}

export const FAILED_LABEL = '(failed)';
const CALIBRATION_BINS = 10;

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
}

export function computeClassifyMetrics(
  runs: readonly EvaluatedRun[],
  classTypes: readonly string[],
  total: number,
) {
  const done = runs.filter((r) => r.status === 'PROCESSED' || r.status === 'FAILED');
  const predictedOf = (r: EvaluatedRun) =>
    r.status === 'PROCESSED' ? (r.predictedType ?? FAILED_LABEL) : FAILED_LABEL;

  const labels = [...new Set([...classTypes, ...done.map((r) => r.expectedType), ...done.map(predictedOf)])];
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const r of done) {
    const row = counts[index.get(r.expectedType) ?? 0];
    const col = index.get(predictedOf(r)) ?? 0;
    if (row) row[col] = (row[col] ?? 0) + 1;
  }

  const classificationMetrics: Record<
    string,
    {
      countExpected: number;
      countPredicted: number;
      countCorrect: number;
      precision: number;
      recall: number;
      f1: number;
    }
  > = {};
  const f1s: number[] = [];
  for (const type of labels) {
    if (type === FAILED_LABEL) continue;
    const i = index.get(type) ?? 0;
    const countExpected = (counts[i] ?? []).reduce((a, b) => a + b, 0);
    const countPredicted = counts.reduce((a, row) => a + (row[i] ?? 0), 0);
    const countCorrect = counts[i]?.[i] ?? 0;
    const precision = countPredicted ? countCorrect / countPredicted : 0;
    const recall = countExpected ? countCorrect / countExpected : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    classificationMetrics[type] = {
      countExpected,
      countPredicted,
      countCorrect,
      precision: round(precision),
      recall: round(recall),
      f1: round(f1),
    };
    if (countExpected > 0) f1s.push(f1);
  }

  const correct = done.filter((r) => predictedOf(r) === r.expectedType).length;
  const latencies = done
    .map((r) => r.latencyMs)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);

  // Expected calibration error over the processed runs: |accuracy - mean confidence| per confidence bin,
  // weighted by the bin's share of runs.
  const scored = done.filter((r) => r.status === 'PROCESSED' && r.confidence !== null);
  const bins = Array.from({ length: CALIBRATION_BINS }, () => ({ n: 0, correct: 0, confidence: 0 }));
  for (const r of scored) {
    const c = Math.min(1, Math.max(0, r.confidence ?? 0));
    const bin = bins[Math.min(CALIBRATION_BINS - 1, Math.floor(c * CALIBRATION_BINS))];
    if (!bin) continue;
    bin.n++;
    bin.confidence += c;
    if (r.predictedType === r.expectedType) bin.correct++;
  }
  const ece = scored.length
    ? bins.reduce(
        (a, b) => a + (b.n ? (b.n / scored.length) * Math.abs(b.correct / b.n - b.confidence / b.n) : 0),
        0,
      )
    : 0;

  return {
    type: 'CLASSIFY' as const,
    numFilesTotal: total,
    numFilesProcessed: done.length,
    numFiles: done.length,
    numPages: done.reduce((a, r) => a + r.pages, 0),
    accuracy: done.length ? round(correct / done.length) : 0,
    classificationMetrics,
    meanLatencyMs: latencies.length ? Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : 0,
    p50LatencyMs: percentile(latencies, 50),
    p90LatencyMs: percentile(latencies, 90),
    p95LatencyMs: percentile(latencies, 95),
    p99LatencyMs: percentile(latencies, 99),
    // Docsort extensions (docs/classification.md#evaluation).
    numFilesFailed: done.filter((r) => r.status === 'FAILED').length,
    macroF1: f1s.length ? round(f1s.reduce((a, b) => a + b, 0) / f1s.length) : 0,
    expectedCalibrationError: round(ece),
    confusionMatrix: { labels, counts },
    calibration: bins.map((b, i) => ({
      from: i / CALIBRATION_BINS,
      to: (i + 1) / CALIBRATION_BINS,
      count: b.n,
      accuracy: b.n ? round(b.correct / b.n) : null,
      meanConfidence: b.n ? round(b.confidence / b.n) : null,
    })),
  };
}

export type ClassifyMetrics = ReturnType<typeof computeClassifyMetrics>;
