import { Alert, Code, Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { type EvaluationSet, type EvaluationSetRun, runFinished } from '../api/evaluation-types';
import { ClassMetricsTable } from '../components/evaluation/ClassMetricsTable';
import { ConfusionMatrix } from '../components/evaluation/ConfusionMatrix';
import { EvaluationStatus } from '../components/evaluation/EvaluationStatus';
import { EvaluationTrail } from '../components/evaluation/EvaluationTrail';
import { HeadlineFigures } from '../components/evaluation/HeadlineFigures';
import { Misclassified } from '../components/evaluation/Misclassified';
import { ReliabilityChart } from '../components/evaluation/ReliabilityChart';
import { Section } from '../components/evaluation/Section';
import { LoadFailure } from '../components/LoadFailure';
import { versionLabel } from '../lib/evaluation-format';
import { formatTime } from '../lib/format';
import { Link } from '../lib/router';
import { useApi } from '../lib/session';
import { usePolling } from '../lib/use-polling';

/** `/evaluation/runs/bpr_...`: the figures of one evaluation run. */
export function EvaluationRunPage({ runId }: { runId: string }) {
  const api = useApi();
  const [run, setRun] = useState<EvaluationSetRun | null>(null);
  const [set, setSet] = useState<EvaluationSet | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);

  // Polls until the run has finished, so its figures fill in as files are classified.
  usePolling(
    async () => {
      if (run && runFinished(run)) return;
      try {
        setRun(await api.getEvaluationRun(runId));
        setError(null);
      } catch (err) {
        setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 });
      }
    },
    1500,
    runId,
  );

  const setId = run?.evaluationSetId;
  useEffect(() => {
    if (!setId) return;
    // The set may have been deleted since (its runs stay): the page then names it by id.
    api
      .getEvaluationSet(setId)
      .then(setSet)
      .catch(() => setSet(null));
  }, [api, setId]);

  if (error && !run) {
    return (
      <LoadFailure
        error={error}
        notFoundTitle="Evaluation run not found"
        failedTitle="Could not load the run"
        back={{ to: '/evaluation', label: 'Back to evaluation' }}
      />
    );
  }
  if (!run) return <Loader aria-label="Loading the evaluation run" />;
  const m = run.metrics;

  return (
    <Stack gap="sm">
      <Stack gap={0}>
        <EvaluationTrail
          set={{ id: run.evaluationSetId, name: set?.name }}
          after={<EvaluationStatus run={run} withProgress />}
        >
          Run of {formatTime(run.createdAt)}
        </EvaluationTrail>
        <Text size="xs" c="dimmed">
          <Code>{run.id}</Code> ·{' '}
          {run.entity.name ? (
            <Link to={`/classifiers/${run.entity.id}`} size="xs">
              {run.entity.name}
            </Link>
          ) : (
            run.entity.id
          )}{' '}
          {versionLabel(run)} · {m.numFilesTotal} {m.numFilesTotal === 1 ? 'file' : 'files'} · mean latency{' '}
          {Math.round(m.meanLatencyMs)} ms
        </Text>
      </Stack>
      {error && (
        <Alert color="yellow" title="Not refreshed" role="alert">
          {error.message}
        </Alert>
      )}
      <HeadlineFigures metrics={m} />
      <SimpleGrid cols={2} spacing="sm">
        <Section title="Confusion matrix">
          <ConfusionMatrix labels={m.confusionMatrix.labels} counts={m.confusionMatrix.counts} />
        </Section>
        <Section title="Per-class precision, recall and F1">
          <ClassMetricsTable metrics={m} />
        </Section>
        <Section title="Reliability of the confidence">
          <ReliabilityChart bins={m.calibration} ece={m.expectedCalibrationError} />
        </Section>
        <Section title="Misclassified documents">
          <Misclassified run={run} />
        </Section>
      </SimpleGrid>
    </Stack>
  );
}
