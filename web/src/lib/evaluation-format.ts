import type { EvaluationMetrics, EvaluationSetRun } from '../api/evaluation-types';

/** How the evaluation views write figures: rates as percentages, F1 as a decimal, latency in ms or s. */

export function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits).replace(/\.0+$/, '')}%`;
}

export function f1(x: number): string {
  return x.toFixed(2);
}

export function ms(x: number): string {
  return x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(x < 10_000 ? 2 : 1)} s`;
}

export function versionLabel(run: EvaluationSetRun): string {
  const v = run.entityVersion.version;
  if (!v) return '(deleted version)';
  return v === 'draft' ? 'draft' : `v${v}`;
}

/** A run with nothing scored yet has no meaningful figures (the API reports zeros). */
export const scored = (m: EvaluationMetrics) => m.numFilesProcessed > 0;

export interface Figure {
  key: string;
  label: string;
  value: (m: EvaluationMetrics) => number;
  format: (x: number, m: EvaluationMetrics) => string;
  /** How a difference is written: points for rates, plain for F1, ms for latency. */
  formatDelta: (d: number) => string;
  /** Whether a larger value is the better one (a delta's colour). */
  higherIsBetter: boolean;
  hint: string;
}

const signed = (d: number, body: string) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${body}`;
const points = (d: number) => signed(d, `${Math.abs(d * 100).toFixed(1)} pts`);

export const HEADLINE_FIGURES: Figure[] = [
  {
    key: 'accuracy',
    label: 'Accuracy',
    value: (m) => m.accuracy,
    format: (x) => pct(x),
    formatDelta: points,
    higherIsBetter: true,
    hint: 'Share of files whose predicted class is the expected one (a failed file counts as wrong).',
  },
  {
    key: 'macroF1',
    label: 'Macro-F1',
    value: (m) => m.macroF1,
    format: f1,
    formatDelta: (d) => signed(d, Math.abs(d).toFixed(2)),
    higherIsBetter: true,
    hint: 'Mean F1 over the classes that have expected files: rare classes weigh as much as common ones.',
  },
  {
    key: 'ece',
    label: 'Calibration error',
    value: (m) => m.expectedCalibrationError,
    format: (x) => pct(x),
    formatDelta: points,
    higherIsBetter: false,
    hint: 'Expected calibration error: how far confidence is from accuracy, averaged over confidence bins. Lower is better.',
  },
  {
    key: 'files',
    label: 'Files scored',
    value: (m) => m.numFilesProcessed,
    format: (x, m) => `${x} of ${m.numFilesTotal}`,
    formatDelta: (d) => signed(d, String(Math.abs(d))),
    higherIsBetter: true,
    hint: 'Files with a finished classify run, out of the files in the run.',
  },
  {
    key: 'failed',
    label: 'Failures',
    value: (m) => m.numFilesFailed,
    format: (x) => String(x),
    formatDelta: (d) => signed(d, String(Math.abs(d))),
    higherIsBetter: false,
    hint: 'Files whose classify run failed; they count as wrong answers.',
  },
  {
    key: 'p50',
    label: 'Latency p50',
    value: (m) => m.p50LatencyMs,
    format: ms,
    formatDelta: (d) => signed(d, ms(Math.abs(d))),
    higherIsBetter: false,
    hint: 'Median time from the start of a classify run to its answer.',
  },
  {
    key: 'p90',
    label: 'Latency p90',
    value: (m) => m.p90LatencyMs,
    format: ms,
    formatDelta: (d) => signed(d, ms(Math.abs(d))),
    higherIsBetter: false,
    hint: '90% of the files were answered within this time.',
  },
];

/** Green when the change is an improvement, red when it is worse, grey when there is none. */
export function deltaColor(d: number, higherIsBetter: boolean): string {
  if (Math.abs(d) < 1e-9) return 'dimmed';
  return d > 0 === higherIsBetter ? 'teal.8' : 'red.8';
}

export const f1Delta = (d: number) => signed(d, Math.abs(d).toFixed(2));
