import {
  Alert,
  Button,
  Code,
  EmptyState,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import type { EvaluationSet } from '../api/evaluation-types';
import type { ClassifierSummary } from '../api/types';
import { CreateSetForm } from '../components/evaluation/CreateSetForm';
import { EvaluationStatus } from '../components/evaluation/EvaluationStatus';
import { loadSetSummary, mapLimited, type SetSummary } from '../lib/evaluation-data';
import { pct, scored, versionLabel } from '../lib/evaluation-format';
import { formatTime, relativeTime } from '../lib/format';
import { Link, navigate, useLocation } from '../lib/router';
import { useApi } from '../lib/session';

const PAGE_SIZE = 25;

/** `/evaluation`: the evaluation sets, filtered by classifier, and a form to create one. */
export function EvaluationSetsPage() {
  const api = useApi();
  const { search } = useLocation();
  const classifierId = search.get('classifier') ?? undefined;
  const [classifiers, setClassifiers] = useState<ClassifierSummary[] | null>(null);
  const [sets, setSets] = useState<EvaluationSet[] | null>(null);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [summaries, setSummaries] = useState<Map<string, SetSummary>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .listClassifiers({ maxPageSize: 100 })
      .then((l) => setClassifiers(l.data))
      .catch((err) => setError(errorMessage(err)));
  }, [api]);

  const summarise = async (page: EvaluationSet[]) => {
    // Item counts and last runs are extra calls per set: the list shows without them first.
    const loaded = await mapLimited(page, 4, async (s) => [s.id, await loadSetSummary(api, s.id)] as const);
    setSummaries((prev) => new Map([...prev, ...loaded]));
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the filter changes
  useEffect(() => {
    let stale = false;
    setSets(null);
    setError(null);
    api
      .listEvaluationSets({ entityId: classifierId, maxPageSize: PAGE_SIZE })
      .then((l) => {
        if (stale) return;
        setSets(l.data);
        setNext(l.nextPageToken);
        return summarise(l.data);
      })
      .catch((err) => !stale && setError(errorMessage(err)));
    return () => {
      stale = true;
    };
  }, [api, classifierId]);

  const more = async () => {
    if (!next) return;
    try {
      const l = await api.listEvaluationSets({
        entityId: classifierId,
        maxPageSize: PAGE_SIZE,
        nextPageToken: next,
      });
      setSets((prev) => [...(prev ?? []), ...l.data]);
      setNext(l.nextPageToken);
      await summarise(l.data);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const setFilter = (id: string | null) =>
    navigate(id ? `/evaluation?classifier=${encodeURIComponent(id)}` : '/evaluation', { replace: true });
  const noClassifiers = classifiers?.length === 0;

  return (
    <Stack>
      <Title order={2}>Evaluation</Title>
      <Text size="sm" c="dimmed" maw={820}>
        An evaluation set is a list of documents with the class each one should get. Run it against a version
        of its classifier to see accuracy, per-class precision, recall and F1, and where the classifier goes
        wrong.
      </Text>
      {classifiers && classifiers.length > 0 && (
        <CreateSetForm
          classifiers={classifiers}
          defaultClassifierId={classifierId ?? null}
          onCreated={(s) => navigate(`/evaluation/${s.id}`)}
        />
      )}
      {classifiers && classifiers.length > 0 && (
        <Group role="search" aria-label="Filter evaluation sets" align="end">
          <Select
            label="Filter by classifier"
            placeholder="Any classifier"
            data={classifiers.map((c) => ({ value: c.id, label: c.name }))}
            value={classifierId ?? null}
            onChange={setFilter}
            clearable
            searchable
            w={240}
          />
        </Group>
      )}
      {error && (
        <Alert color="red" title="Could not load evaluation sets" role="alert">
          {error}
        </Alert>
      )}
      {(!sets || !classifiers) && !error && <Loader aria-label="Loading evaluation sets" />}
      {sets?.length === 0 && classifiers && (
        <SetsEmptyState filtered={Boolean(classifierId)} noClassifiers={noClassifiers} />
      )}
      {sets && sets.length > 0 && (
        <Table highlightOnHover aria-label="Evaluation sets" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Classifier</Table.Th>
              <Table.Th ta="right">Items</Table.Th>
              <Table.Th>Last run</Table.Th>
              <Table.Th ta="right">Accuracy</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sets.map((s) => {
              const summary = summaries.get(s.id);
              const last = summary?.lastRun ?? null;
              return (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Link to={`/evaluation/${s.id}`} fw={600}>
                      {s.name}
                    </Link>
                    {s.description && (
                      <Text size="xs" c="dimmed" lineClamp={1} maw={360}>
                        {s.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {s.entity.name ? (
                      <Link to={`/classifiers/${s.entity.id}`} size="sm">
                        {s.entity.name}
                      </Link>
                    ) : (
                      <Text size="sm" c="dimmed">
                        deleted (<Code>{s.entity.id}</Code>)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {summary ? `${summary.items}${summary.moreItems ? '+' : ''}` : <Loader size={12} />}
                  </Table.Td>
                  <Table.Td>
                    {!summary ? null : last ? (
                      <Group gap={6} wrap="nowrap">
                        <EvaluationStatus run={last} />
                        <Link to={`/evaluation/runs/${last.id}`} size="sm">
                          {versionLabel(last)}, {relativeTime(last.createdAt)}
                        </Link>
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        never run
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {last && scored(last.metrics) ? pct(last.metrics.accuracy) : '—'}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatTime(s.updatedAt)}</Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {next && (
        <Button variant="default" onClick={() => void more()}>
          Load more
        </Button>
      )}
    </Stack>
  );
}

function SetsEmptyState({ filtered, noClassifiers }: { filtered: boolean; noClassifiers: boolean }) {
  if (noClassifiers) {
    return (
      <EmptyState
        title="No classifiers to evaluate yet"
        description="An evaluation set scores one classifier on documents you have labelled. Create a classifier first: the kinds of document you expect, each with a short description."
      >
        <Button onClick={() => navigate('/classifiers')}>Create a classifier</Button>
      </EmptyState>
    );
  }
  if (filtered) {
    return (
      <EmptyState
        title="This classifier has no evaluation sets"
        description="Create one above, or clear the filter."
      >
        <Button variant="default" onClick={() => navigate('/evaluation', { replace: true })}>
          Clear the filter
        </Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No evaluation sets yet">
      <EmptyState.Description maw={640}>
        An evaluation set holds documents labelled with the class they should get. Running it scores a
        classifier on them (accuracy, precision, recall, F1 and a confusion matrix), so you can compare the
        draft with a published version before you rely on it.
      </EmptyState.Description>
      <EmptyState.Description maw={640}>
        Its items also teach the classifier: every labelled document becomes an example it learns from. A run
        never learns from the set it is scoring, so keep a training set and a separate holdout set to see what
        the examples add.
      </EmptyState.Description>
      <EmptyState.Description maw={640}>
        To start, create a set above, then upload a few labelled files on its page and press{' '}
        <b>Run evaluation</b>. From code: <Code>POST /evaluation_sets</Code>,{' '}
        <Code>POST /evaluation_sets/{'{id}'}/items</Code>, <Code>POST /evaluation_set_runs</Code>.
      </EmptyState.Description>
    </EmptyState>
  );
}
