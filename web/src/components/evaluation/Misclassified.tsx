import { Alert, Loader, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { DocsortApi } from '../../api/client';
import { errorMessage } from '../../api/client';
import { type EvaluationRunItem, type EvaluationSetRun, runFinished } from '../../api/evaluation-types';
import { allPages, MAX_ITEMS } from '../../lib/evaluation-data';
import { percent } from '../../lib/format';
import { Link } from '../../lib/router';
import { useApi } from '../../lib/session';

interface Result {
  misses: EvaluationRunItem[];
  complete: boolean;
}

/**
 * The run's wrong and failed files, from the server, each scored against the label it had when the run
 * started (the same answers the metrics and the matrix count).
 */
async function findMisses(api: DocsortApi, run: EvaluationSetRun): Promise<Result> {
  const { data, complete } = await allPages(
    (t) => api.listEvaluationRunItems(run.id, { incorrect: true, maxPageSize: 1000, nextPageToken: t }),
    MAX_ITEMS,
  );
  return { misses: data, complete };
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
  return (
    <>
      {result.misses.length === 0 ? (
        <Text size="sm" c="teal.8">
          None: every file got its expected class.
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
              <Table.Tr key={m.classifyRunId}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  <Link to={`/runs/${m.classifyRunId}`} size="sm">
                    {m.file?.name ?? m.classifyRunId}
                  </Link>
                </Table.Td>
                <Table.Td>{m.expectedOutput.type}</Table.Td>
                <Table.Td>
                  {m.output?.type ?? (
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
                <Table.Td ta="right">{m.output ? percent(m.output.confidence) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {!result.complete && (
        <Text size="xs" c="dimmed" mt={4}>
          Only the first {result.misses.length} wrong documents are listed.
        </Text>
      )}
    </>
  );
}
