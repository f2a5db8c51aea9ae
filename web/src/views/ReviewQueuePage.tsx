import { Alert, Button, EmptyState, Group, Loader, Select, Slider, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifierSummary, ClassifyRun } from '../api/types';
import { RunWorkspace } from '../components/RunWorkspace';
import { percent } from '../lib/format';
import {
  loadThresholds,
  type QueueScan,
  saveThresholds,
  scanReviewQueue,
  type Thresholds,
  thresholdFor,
} from '../lib/review-queue';
import { Link, navigate } from '../lib/router';
import { loadRunMaterials } from '../lib/run-materials';
import { useApi } from '../lib/session';

/** `/review`: the unreviewed runs below a confidence threshold, one after another. */
export function ReviewQueuePage() {
  const api = useApi();
  const [classifiers, setClassifiers] = useState<ClassifierSummary[]>([]);
  const [classifierId, setClassifierId] = useState<string | undefined>(undefined);
  const [thresholds, setThresholds] = useState<Thresholds>(() => loadThresholds());
  const [scan, setScan] = useState<QueueScan | null>(null);
  const [index, setIndex] = useState(0);
  const [done, setDone] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const threshold = thresholdFor(thresholds, classifierId);
  // The slider moves freely; the queue is counted again only when it is let go.
  const [sliderValue, setSliderValue] = useState(threshold);
  useEffect(() => setSliderValue(threshold), [threshold]);

  useEffect(() => {
    api
      .listClassifiers({ maxPageSize: 100 })
      .then((l) => setClassifiers(l.data))
      .catch((err) => setError(errorMessage(err)));
  }, [api]);

  const rescan = useCallback(async () => {
    setScan(null);
    setError(null);
    try {
      const s = await scanReviewQueue(api, thresholds, classifierId);
      setScan(s);
      setIndex(0);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, thresholds, classifierId]);

  useEffect(() => {
    void rescan();
  }, [rescan]);

  const queue = scan?.runs ?? [];
  const current = queue[index];
  const upcoming = queue[index + 1];

  // The next document loads while the person looks at this one.
  useEffect(() => {
    if (upcoming) loadRunMaterials(api, upcoming).catch(() => undefined);
  }, [api, upcoming]);

  const setThreshold = (value: number) => {
    const next: Thresholds =
      classifierId === undefined
        ? { ...thresholds, default: value }
        : { ...thresholds, byClassifier: { ...thresholds.byClassifier, [classifierId]: value } };
    saveThresholds(next);
    setThresholds(next);
  };

  const onReviewed = (run: ClassifyRun) => {
    if (!scan) return;
    setDone((d) => d + 1);
    const rest = scan.runs.filter((r) => r.id !== run.id);
    setScan({ ...scan, runs: rest });
    setIndex((i) => Math.min(i, Math.max(rest.length - 1, 0)));
  };

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="end">
        <Group align="end" gap="md">
          <Title order={2}>Review queue</Title>
          <Select
            label="Classifier"
            placeholder="All classifiers"
            data={classifiers.map((c) => ({ value: c.id, label: c.name }))}
            value={classifierId ?? null}
            onChange={(v) => setClassifierId(v ?? undefined)}
            clearable
            w={200}
            size="xs"
          />
          <Stack gap={2} w={220}>
            <Text size="xs" fw={500} id="threshold-label">
              Confidence below {percent(sliderValue)}
              {classifierId ? ' (this classifier)' : ' (default)'}
            </Text>
            <Slider
              aria-labelledby="threshold-label"
              min={0.05}
              max={1}
              step={0.05}
              value={sliderValue}
              onChange={setSliderValue}
              onChangeEnd={setThreshold}
              label={(v) => percent(v)}
            />
          </Stack>
        </Group>
        <Group gap="sm">
          <Text size="sm" aria-live="polite" data-testid="queue-count">
            {scan
              ? `${queue.length}${scan.truncated ? '+' : ''} left · ${done} reviewed this session`
              : 'Counting…'}
          </Text>
          <Button size="xs" variant="default" onClick={() => void rescan()}>
            Refresh
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" title="Could not load the queue" role="alert">
          {error}
        </Alert>
      )}
      {!scan && !error && <Loader aria-label="Finding runs to review" />}
      {scan && !current && (
        <EmptyState
          title="Nothing to review"
          description={`No unreviewed run is below ${percent(threshold)} confidence. Raise the threshold to review more, or look at all runs.`}
        >
          <Button variant="default" onClick={() => navigate('/runs')}>
            All runs
          </Button>
        </EmptyState>
      )}
      {current && (
        <>
          <Text size="sm" c="dimmed">
            {index + 1} of {queue.length}:{' '}
            <Link to={`/runs/${current.id}`}>{current.file?.name ?? current.id}</Link>
            {current.classifier ? ` · ${current.classifier.name}` : ''}
          </Text>
          <RunWorkspace
            key={current.id}
            run={current}
            onReviewed={onReviewed}
            nav={{
              onPrev: index > 0 ? () => setIndex(index - 1) : undefined,
              onNext: index + 1 < queue.length ? () => setIndex(index + 1) : undefined,
            }}
          />
        </>
      )}
    </Stack>
  );
}
