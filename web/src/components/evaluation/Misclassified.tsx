import { Alert, Loader, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { DocsortApi } from '../../api/client';
import { errorMessage } from '../../api/client';
import { type EvaluationSetRun, runFinished } from '../../api/evaluation-types';
import {
  expectedByFile,
  loadAllItems,
  loadEvaluationClassifyRuns,
  mapLimited,
} from '../../lib/evaluation-data';
import { percent } from '../../lib/format';
import { Link } from '../../lib/router';
import { cachedRun, rememberRun } from '../../lib/run-details';
import { useApi } from '../../lib/session';

interface Miss {
  runId: string;
  fileName: string;
  expected: string;
  /** The machine's answer (before any review), or null for a failed run. */
  predicted: string | null;
  confidence: number | null;
  failureReason: string | null;
}

interface Result {
  misses: Miss[];
  checked: number;
  /** Runs whose file is no longer an item of the set: their expected class is unknown now. */
  unmatched: number;
  complete: boolean;
}

/**
 * Classify runs carry no expected label, so each is matched by file id with the set's items (as they are
 * now: a label changed since the run shows its new value). Scored on the first answer, as the metrics are.
 */
async function findMisses(api: DocsortApi, run: EvaluationSetRun): Promise<Result> {
  const [runs, items] = await Promise.all([
    loadEvaluationClassifyRuns(api, run.id),
    loadAllItems(api, run.evaluationSetId),
  ]);
  const expected = expectedByFile(items.data);
  const misses: Miss[] = [];
  let unmatched = 0;
  const processed = runs.data.filter((r) => r.status === 'PROCESSED');
  const details = await mapLimited(processed, 6, async (s) => {
    const hit = cachedRun(s);
    if (hit) return hit;
    const full = await api.getRun(s.id);
    rememberRun(full);
    return full;
  });
  const byId = new Map(details.map((d) => [d.id, d]));
  for (const r of runs.data) {
    if (r.status !== 'PROCESSED' && r.status !== 'FAILED') continue;
    const item = r.file ? expected.get(r.file.id) : undefined;
    if (!item) {
      unmatched++;
      continue;
    }
    const answer = byId.get(r.id);
    const output = answer ? (answer.initialOutput ?? answer.output) : null;
    const predicted = r.status === 'PROCESSED' ? (output?.type ?? null) : null;
    if (predicted === item.expectedOutput.type) continue;
    misses.push({
      runId: r.id,
      fileName: r.file?.name ?? r.id,
      expected: item.expectedOutput.type,
      predicted,
      confidence: predicted ? (output?.confidence ?? null) : null,
      failureReason: r.failureReason,
    });
  }
  return { misses, checked: runs.data.length, unmatched, complete: runs.complete && items.complete };
}

/** Off-diagonal answers in the run's own confusion matrix: its wrong and failed files, as labelled then. */
function wrongAnswers(run: EvaluationSetRun): number {
  const { counts } = run.metrics.confusionMatrix;
  return counts.reduce((sum, row, i) => sum + row.reduce((a, n, j) => a + (i === j ? 0 : n), 0), 0);
}

/** The documents the run got wrong (or failed on), each linking to its classify run. */
export function Misclassified({ run }: { run: EvaluationSetRun }) {
  const api = useApi();
  const finished = runFinished(run);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Loaded once the run has finished: its answers do not change after that.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `run` is read once, when it has finished
  useEffect(() => {
    if (!finished) return;
    let stale = false;
    findMisses(api, run)
      .then((r) => !stale && setResult(r))
      .catch((err) => !stale && setError(errorMessage(err)));
    return () => {
      stale = true;
    };
  }, [api, run.id, finished]);

  if (!finished) {
    return (
      <Text size="sm" c="dimmed">
        The documents it got wrong are listed once the run has finished.
      </Text>
    );
  }
  if (error) {
    return (
      <Alert color="red" role="alert" title="Could not load the run's documents">
        {error}
      </Alert>
    );
  }
  if (!result) return <Loader size="sm" aria-label="Loading the misclassified documents" />;
  const counted = wrongAnswers(run);
  const drift = counted !== result.misses.length + result.unmatched;
  return (
    <>
      {drift && (
        <Alert color="yellow" role="alert" title="Labels changed since this run" mb="xs">
          The run counted {counted} wrong {counted === 1 ? 'answer' : 'answers'}; compared with the set's
          labels as they are now, {result.misses.length} {result.misses.length === 1 ? 'is' : 'are'} wrong.
          The figures and the matrix keep the labels of the time of the run; this list uses the current ones.
        </Alert>
      )}
      {result.misses.length === 0 ? (
        <Text size="sm" c={drift ? 'dimmed' : 'teal.8'}>
          None: every file got its expected class{drift ? ' (by the current labels)' : ''}.
        </Text>
      ) : (
        <Table aria-label="Misclassified documents" verticalSpacing={4} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Expected</Table.Th>
              <Table.Th>Predicted</Table.Th>
              <Table.Th ta="right">Confidence</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.misses.map((m) => (
              <Table.Tr key={m.runId}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  <Link to={`/runs/${m.runId}`} size="sm">
                    {m.fileName}
                  </Link>
                </Table.Td>
                <Table.Td>{m.expected}</Table.Td>
                <Table.Td>
                  {m.predicted ?? (
                    <>
                      <Text size="sm" c="red.8" fw={600}>
                        failed
                      </Text>
                      {m.failureReason && (
                        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          {m.failureReason}
                        </Text>
                      )}
                    </>
                  )}
                </Table.Td>
                <Table.Td ta="right">{m.confidence === null ? '—' : percent(m.confidence)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {result.unmatched > 0 && (
        <Text size="xs" c="dimmed" mt={4}>
          {result.unmatched} {result.unmatched === 1 ? 'file is' : 'files are'} no longer in the set, so
          {result.unmatched === 1 ? ' its' : ' their'} expected class is unknown here.
        </Text>
      )}
      {!result.complete && (
        <Text size="xs" c="dimmed" mt={4}>
          Only the first {result.checked} documents were checked.
        </Text>
      )}
    </>
  );
}
