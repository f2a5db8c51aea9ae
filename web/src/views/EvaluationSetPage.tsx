import {
  Alert,
  Button,
  Code,
  EmptyState,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import {
  type EvaluationSet,
  type EvaluationSetItem,
  type EvaluationSetRun,
  runFinished,
} from '../api/evaluation-types';
import type { Classifier } from '../api/types';
import { AddItemsPanel } from '../components/evaluation/AddItemsPanel';
import { EvaluationTrail } from '../components/evaluation/EvaluationTrail';
import { ItemsTable } from '../components/evaluation/ItemsTable';
import { RunEvaluationPanel } from '../components/evaluation/RunEvaluationPanel';
import { RunsTable } from '../components/evaluation/RunsTable';
import { LoadFailure } from '../components/LoadFailure';
import { Link } from '../lib/router';
import { useApi } from '../lib/session';
import { usePolling } from '../lib/use-polling';

const ITEMS_PAGE = 100;
// While a run is moving its progress should show quickly; otherwise a slow check picks up runs
// started elsewhere (from the API or another tab).
const ACTIVE_POLL_MS = 1500;
const IDLE_POLL_MS = 15_000;

/** `/evaluation/ev_...`: a set's items (add, relabel, remove), its runs, and a button to start one. */
export function EvaluationSetPage({ setId }: { setId: string }) {
  const api = useApi();
  const [set, setSet] = useState<EvaluationSet | null>(null);
  const [classifier, setClassifier] = useState<Classifier | null>(null);
  const [classifierError, setClassifierError] = useState<string | null>(null);
  const [items, setItems] = useState<EvaluationSetItem[] | null>(null);
  const [nextItems, setNextItems] = useState<string | undefined>(undefined);
  const [runs, setRuns] = useState<EvaluationSetRun[] | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);
  const [runsError, setRunsError] = useState<string | null>(null);

  useEffect(() => {
    api
      .getEvaluationSet(setId)
      .then((s) => {
        setSet(s);
        return api
          .getClassifier(s.entity.id)
          .then(setClassifier)
          .catch((err) => setClassifierError(errorMessage(err)));
      })
      .catch((err) =>
        setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 }),
      );
    api
      .listEvaluationSetItems(setId, { maxPageSize: ITEMS_PAGE })
      .then((l) => {
        setItems(l.data);
        setNextItems(l.nextPageToken);
      })
      .catch((err) =>
        setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 }),
      );
  }, [api, setId]);

  const active = Boolean(runs?.some((r) => !runFinished(r)));
  const refreshRuns = usePolling(
    async () => {
      try {
        const l = await api.listEvaluationRuns({ evaluationSetId: setId, maxPageSize: 50 });
        setRuns(l.data);
        setRunsError(null);
      } catch (err) {
        setRunsError(errorMessage(err));
      }
    },
    active ? ACTIVE_POLL_MS : IDLE_POLL_MS,
    setId,
  );

  const moreItems = async () => {
    try {
      const l = await api.listEvaluationSetItems(setId, {
        maxPageSize: ITEMS_PAGE,
        nextPageToken: nextItems,
      });
      setItems((prev) => [...(prev ?? []), ...l.data]);
      setNextItems(l.nextPageToken);
    } catch (err) {
      setError({ message: errorMessage(err), notFound: false });
    }
  };

  if (error && !set) {
    return (
      <LoadFailure
        error={error}
        notFoundTitle="Evaluation set not found"
        failedTitle="Could not load the set"
        back={{ to: '/evaluation', label: 'Back to evaluation' }}
      />
    );
  }
  if (!set || !items) return <Loader aria-label="Loading the evaluation set" />;
  const classifications = classifier?.draftVersion.config.classifications ?? [];

  return (
    <Stack gap="sm">
      <Stack gap={0}>
        <EvaluationTrail>{set.name}</EvaluationTrail>
        <Text size="xs" c="dimmed">
          <Code>{set.id}</Code> · scores{' '}
          {set.entity.name ? (
            <Link to={`/classifiers/${set.entity.id}`} size="xs">
              {set.entity.name}
            </Link>
          ) : (
            `a deleted classifier (${set.entity.id})`
          )}
          {set.description ? ` · ${set.description}` : ''}
        </Text>
      </Stack>
      {classifierError && (
        <Alert color="red" role="alert" title="Could not load the set's classifier">
          {classifierError} Runs and labels need the classifier.
        </Alert>
      )}
      {classifier && (
        <SimpleGrid cols={2} spacing="sm">
          <RunEvaluationPanel
            setId={set.id}
            classifierId={classifier.id}
            itemCount={items.length}
            onStarted={(run) => {
              setRuns((prev) => [run, ...(prev ?? []).filter((r) => r.id !== run.id)]);
              refreshRuns();
            }}
          />
          <AddItemsPanel
            setId={set.id}
            classifications={classifications}
            onAdded={(added) => setItems((prev) => [...added, ...(prev ?? [])])}
          />
        </SimpleGrid>
      )}

      <Title order={3} size="h4" mt="sm">
        Runs
      </Title>
      {runsError && (
        <Alert color="red" role="alert" title="Could not load the runs">
          {runsError}
        </Alert>
      )}
      {!runs && !runsError && <Loader size="sm" aria-label="Loading runs" />}
      {runs?.length === 0 && (
        <Text size="sm" c="dimmed">
          No runs yet.{' '}
          {items.length ? 'Press Run evaluation above to score the classifier on these files.' : ''}
        </Text>
      )}
      {runs && runs.length > 0 && <RunsTable runs={runs} />}

      <Group gap="xs" mt="sm" align="baseline">
        <Title order={3} size="h4">
          Items
        </Title>
        <Text size="sm" c="dimmed">
          {items.length}
          {nextItems ? '+' : ''} {items.length === 1 ? 'file' : 'files'}
        </Text>
      </Group>
      {items.length === 0 ? (
        <EmptyState
          title="No items yet"
          description="Add files above with the class each should get. They are the answers the classifier is scored against, and the classifier also learns from them when other sets are scored."
        />
      ) : (
        <ItemsTable
          setId={set.id}
          items={items}
          classifications={classifications}
          onChanged={(item) => setItems((prev) => (prev ?? []).map((x) => (x.id === item.id ? item : x)))}
          onRemoved={(id) => setItems((prev) => (prev ?? []).filter((x) => x.id !== id))}
        />
      )}
      {nextItems && (
        <Button variant="default" onClick={() => void moreItems()}>
          Load more items
        </Button>
      )}
    </Stack>
  );
}
