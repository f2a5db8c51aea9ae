import type { ClassifierSummary, FileSummary, RunStatus, VersionSummary } from './types';

/**
 * Evaluation sets, their items and runs, as src/core/evaluation-sets.ts, evaluation-runs.ts and
 * evaluation-metrics.ts render them (extend-ai `EvaluationSet*` plus Docsort's documented extensions:
 * macro-F1, confusion matrix, calibration). Written out here for the same reason as types.ts.
 */

export interface EvaluationSet {
  object: 'evaluation_set';
  id: string;
  name: string;
  description: string;
  /** The classifier the set is for; its name is '' when the classifier was deleted. */
  entity: ClassifierSummary;
  createdAt: string;
  updatedAt: string;
  createdBy: { type: string; name?: string } | null;
}

/** A classification of the classifier's draft: its id and type. */
export interface ExpectedOutput {
  id: string;
  type: string;
}

export interface EvaluationSetItem {
  object: 'evaluation_set_item';
  id: string;
  file: FileSummary | null;
  expectedOutput: ExpectedOutput;
  createdBy: { type: string; name?: string } | null;
}

export interface ClassMetrics {
  countExpected: number;
  countPredicted: number;
  countCorrect: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  accuracy: number | null;
  meanConfidence: number | null;
}

/** The label a failed classify run is counted under in the confusion matrix. */
export const FAILED_LABEL = '(failed)';

export interface EvaluationMetrics {
  type: 'CLASSIFY';
  numFilesTotal: number;
  numFilesProcessed: number;
  numFiles: number;
  numPages: number;
  accuracy: number;
  /** Keyed by classification type. */
  classificationMetrics: Record<string, ClassMetrics>;
  meanLatencyMs: number;
  p50LatencyMs: number;
  p90LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  numFilesFailed: number;
  macroF1: number;
  expectedCalibrationError: number;
  /** Rows are expected types, columns predicted ones, in `labels` order. */
  confusionMatrix: { labels: string[]; counts: number[][] };
  calibration: CalibrationBin[];
}

export interface EvaluationSetRun {
  object: 'evaluation_set_run';
  id: string;
  evaluationSetId: string;
  entity: ClassifierSummary;
  entityVersion: VersionSummary;
  metrics: EvaluationMetrics;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
}

export const runFinished = (r: { status: RunStatus }) => r.status !== 'PENDING' && r.status !== 'PROCESSING';

/** One file of an evaluation run, scored against the label it had when the run started (Docsort extension). */
export interface EvaluationRunItem {
  object: 'evaluation_set_run_item';
  classifyRunId: string;
  evaluationSetItemId: string;
  file: { id: string; name: string } | null;
  status: string;
  expectedOutput: ExpectedOutput;
  output: { id: string; type: string; confidence: number } | null;
  failureReason: string | null;
  failureMessage: string | null;
  correct: boolean | null;
}
