/**
 * `classify_runs.output_type` and `output_confidence` repeat two fields of the `output` JSON so that
 * lists can filter on them with an index. Every write of `output` goes through `withOutputColumns`,
 * which keeps the three in step.
 */
export interface OutputColumns {
  output_type: string | null;
  output_confidence: number | null;
}

export function outputColumns(output: string | null): OutputColumns {
  if (output === null) return { output_type: null, output_confidence: null };
  const parsed = JSON.parse(output) as { type?: unknown; confidence?: unknown } | null;
  return {
    output_type: typeof parsed?.type === 'string' ? parsed.type : null,
    output_confidence: typeof parsed?.confidence === 'number' ? parsed.confidence : null,
  };
}

/** The patch with the derived columns added when it writes `output`; untouched otherwise. */
export function withOutputColumns<P extends { output?: string | null }>(
  patch: P,
): P & Partial<OutputColumns> {
  return patch.output === undefined ? patch : { ...patch, ...outputColumns(patch.output) };
}
