import { Group, Progress, Text } from '@mantine/core';
import { type EvaluationSetRun, runFinished } from '../../api/evaluation-types';
import { StatusBadge } from '../RunBadges';

/** A run's status; while it runs, how many of its files are done. */
export function EvaluationStatus({
  run,
  withProgress = false,
}: {
  run: EvaluationSetRun;
  withProgress?: boolean;
}) {
  const { numFilesProcessed: done, numFilesTotal: total } = run.metrics;
  if (runFinished(run) || !withProgress) {
    return (
      <Group gap={6} wrap="nowrap">
        <StatusBadge status={run.status} />
        {!runFinished(run) && (
          <Text size="xs" c="dimmed">
            {done}/{total}
          </Text>
        )}
      </Group>
    );
  }
  return (
    <Group gap={6} wrap="nowrap">
      <StatusBadge status={run.status} />
      <Progress
        value={total ? (100 * done) / total : 0}
        w={80}
        size="sm"
        aria-label={`${done} of ${total} files done`}
        animated
      />
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {done}/{total}
      </Text>
    </Group>
  );
}
