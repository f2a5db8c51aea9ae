import { Anchor, Button, Code, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import type { ClassifyRun } from '../api/types';
import { LoadFailure } from '../components/LoadFailure';
import { StatusBadge } from '../components/RunBadges';
import { RunWorkspace } from '../components/RunWorkspace';
import { formatTime } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { rememberRun } from '../lib/run-details';
import { loadRunMaterials } from '../lib/run-materials';
import { neighbours, runSequence, setRunSequence } from '../lib/run-sequence';
import { useApi } from '../lib/session';
import { usePolling } from '../lib/use-polling';

const terminal = (r: ClassifyRun) => r.status !== 'PENDING' && r.status !== 'PROCESSING';

/** `/runs/clr_...`: the `dashboardUrl` of every run. */
export function RunDetailPage({ runId, onUnauthorized }: { runId: string; onUnauthorized: () => void }) {
  const api = useApi();
  const [run, setRun] = useState<ClassifyRun | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);
  const [sequence, setSequence] = useState<string[]>(() => runSequence());

  // Poll until the run is terminal, so a run opened while processing shows its answer by itself.
  usePolling(
    async () => {
      if (run && terminal(run)) return;
      try {
        const r = await api.getRun(runId);
        rememberRun(r);
        setRun(r);
        setError(null);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) onUnauthorized();
        setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 });
      }
    },
    2000,
    runId,
  );

  // Opened straight from a dashboardUrl: walk the newest runs, if this one is among them.
  useEffect(() => {
    if (sequence.includes(runId)) return;
    api
      .listRuns({ sortBy: 'createdAt', sortDir: 'desc', maxPageSize: 100 })
      .then((l) => {
        const ids = l.data.map((r) => r.id);
        if (ids.includes(runId)) {
          setRunSequence(ids);
          setSequence(ids);
        }
      })
      .catch(() => undefined);
  }, [api, runId, sequence]);

  const { prev, next } = neighbours(sequence, runId);

  // Preload the next run so J shows it at once.
  useEffect(() => {
    if (!next) return;
    api
      .getRun(next)
      .then((r) => {
        rememberRun(r);
        return loadRunMaterials(api, r);
      })
      .catch(() => undefined);
  }, [api, next]);

  if (error && !run) {
    return (
      <LoadFailure
        error={error}
        notFoundTitle="Run not found"
        failedTitle="Could not load the run"
        back={{ to: '/runs', label: 'Back to runs' }}
      />
    );
  }
  if (!run) return <Loader aria-label="Loading the run" />;

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Link to="/runs" size="sm">
              Runs
            </Link>
            <Text size="sm" c="dimmed">
              /
            </Text>
            <Title order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>
              {run.file?.name ?? run.id}
            </Title>
            <StatusBadge status={run.status} />
          </Group>
          <Text size="xs" c="dimmed">
            <Code>{run.id}</Code> · {formatTime(run.createdAt)} ·{' '}
            {run.classifier ? (
              <Link to={`/classifiers/${run.classifier.id}`} size="xs">
                {run.classifier.name}
              </Link>
            ) : (
              'no classifier (inline config)'
            )}
            {run.classifierVersion ? ` ${run.classifierVersion.version}` : ''}
            {run.usage ? ` · ${run.usage.totalCredits ?? run.usage.credits} credits` : ''}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button
            variant="default"
            size="xs"
            disabled={!prev}
            onClick={() => prev && navigate(`/runs/${prev}`)}
          >
            ← Previous (K)
          </Button>
          <Button
            variant="default"
            size="xs"
            disabled={!next}
            onClick={() => next && navigate(`/runs/${next}`)}
          >
            Next (J) →
          </Button>
          <Anchor
            href={run.dashboardUrl}
            size="xs"
            c="dimmed"
            title="This page's address (the run's dashboardUrl)"
          >
            Permalink
          </Anchor>
        </Group>
      </Group>
      <RunWorkspace
        run={run}
        onReviewed={(r) => {
          rememberRun(r);
          setRun(r);
        }}
        nav={{
          onPrev: prev ? () => navigate(`/runs/${prev}`) : undefined,
          onNext: next ? () => navigate(`/runs/${next}`) : undefined,
        }}
      />
    </Stack>
  );
}
