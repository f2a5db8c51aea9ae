import { Alert, Button, Code, EmptyState, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifierSummary, ClassifyRunListItem } from '../api/types';
import { RunFilterBar } from '../components/RunFilterBar';
import { RunsTable } from '../components/RunsTable';
import { UploadPanel } from '../components/UploadPanel';
import { relativeTime } from '../lib/format';
import { navigate, useLocation } from '../lib/router';
import { filtersToQuery, isFiltered, readFilters, runsUrlWith } from '../lib/run-filters';
import { setRunSequence } from '../lib/run-sequence';
import { useApi } from '../lib/session';
import { usePolling } from '../lib/use-polling';

// A page turn or a poll re-renders the table only: the controls above it keep their props.
const StableUploadPanel = memo(UploadPanel);
const StableFilterBar = memo(RunFilterBar);
const NO_CLASSIFIERS: ClassifierSummary[] = [];

const PAGE_SIZE = 25;
const POLL_MS = 3000;
// While a run on the page is still moving, its change of status should show quickly.
const ACTIVE_POLL_MS = 1000;

interface Page {
  /** The filters and token this page answers. */
  query: string;
  runs: ClassifyRunListItem[];
  nextPageToken: string | undefined;
  at: number;
}

/** The page tokens visited under one set of filters: [undefined (first page), token of page 2, ...]. */
interface Paging {
  key: string;
  tokens: (string | undefined)[];
  index: number;
}

/**
 * `/runs`: every filter is a server-side query parameter kept in the URL, and each row comes from the list
 * itself (its outputType/outputConfidence), so a page is one request however many runs there are.
 */
export function RunsPage() {
  const api = useApi();
  const { search } = useLocation();
  const searchKey = search.toString();
  const filters = useMemo(() => readFilters(new URLSearchParams(searchKey)), [searchKey]);
  const filterKey = JSON.stringify(filters);

  const [classifiers, setClassifiers] = useState<ClassifierSummary[] | null>(null);
  const [classifierTypes, setClassifierTypes] = useState<string[]>([]);
  const [paging, setPaging] = useState<Paging>({ key: filterKey, tokens: [undefined], index: 0 });
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  useEffect(() => {
    api
      .listClassifiers({ maxPageSize: 100 })
      .then((l) => setClassifiers(l.data))
      .catch((err) => setError(errorMessage(err)));
  }, [api]);

  // The type field suggests the chosen classifier's types.
  useEffect(() => {
    setClassifierTypes([]);
    if (!filters.classifierId) return;
    let live = true;
    api
      .getClassifier(filters.classifierId)
      .then((c) => live && setClassifierTypes(c.draftVersion.config.classifications.map((k) => k.type)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, filters.classifierId]);

  // Other filters than the ones the tokens were issued for start again from the first page.
  const current: Paging =
    paging.key === filterKey ? paging : { key: filterKey, tokens: [undefined], index: 0 };
  const pageIndex = current.index;
  const token = current.tokens[pageIndex];
  const setFilter = useCallback(
    (key: Parameters<typeof runsUrlWith>[1], value: string | null) =>
      navigate(runsUrlWith(new URLSearchParams(searchKey), key, value), { replace: true }),
    [searchKey],
  );
  const clearFilters = useCallback(() => navigate('/runs', { replace: true }), []);

  const query = JSON.stringify([filterKey, token]);
  // Until the asked-for page arrives the previous one stays, dimmed: one render instead of two per page turn.
  const loading = page !== null && page.query !== query;
  const active = Boolean(page?.runs.some((r) => r.status === 'PENDING' || r.status === 'PROCESSING'));
  const refresh = usePolling(
    async () => {
      const mine = ++generation.current;
      try {
        const list = await api.listRuns({
          ...filtersToQuery(filters),
          sortBy: 'createdAt',
          sortDir: 'desc',
          maxPageSize: PAGE_SIZE,
          nextPageToken: token,
        });
        if (mine !== generation.current) return;
        setPage({ query, runs: list.data, nextPageToken: list.nextPageToken, at: Date.now() });
        setError(null);
      } catch (err) {
        if (mine === generation.current) setError(errorMessage(err));
      }
    },
    active ? ACTIVE_POLL_MS : POLL_MS,
    query,
  );

  const seenTypes = new Set(classifierTypes);
  for (const r of page?.runs ?? []) if (r.outputType) seenTypes.add(r.outputType);
  const typeKey = [...seenTypes].sort().join('\n');
  const typeOptions = useMemo(() => (typeKey ? typeKey.split('\n') : []), [typeKey]);

  // The latest page state, read by a callback that keeps its identity.
  const onStartedRef = useRef(() => {});
  onStartedRef.current = () => {
    // The new run is at the top of the first page; show it without waiting for the next poll.
    if (pageIndex === 0) refresh();
    else setPaging({ ...current, index: 0 });
  };
  const onStarted = useCallback(() => onStartedRef.current(), []);

  // J/K on a run walk the page it was opened from.
  const pageIds = page?.runs.map((r) => r.id).join(',') ?? '';
  const rememberSequence = useCallback(() => setRunSequence(pageIds ? pageIds.split(',') : []), [pageIds]);
  const open = useCallback(
    (id: string) => {
      rememberSequence();
      navigate(`/runs/${id}`);
    },
    [rememberSequence],
  );
  const filtered = isFiltered(filters);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Runs</Title>
        <Text size="xs" c="dimmed" aria-live="polite">
          {page && !loading ? `Live: refreshed ${relativeTime(new Date(page.at).toISOString())}` : 'Loading…'}
        </Text>
      </Group>
      {classifiers && classifiers.length > 0 && (
        <StableUploadPanel classifiers={classifiers} onStarted={onStarted} />
      )}
      <StableFilterBar
        filters={filters}
        classifiers={classifiers ?? NO_CLASSIFIERS}
        typeOptions={typeOptions}
        onChange={setFilter}
        onClear={filtered ? clearFilters : null}
      />
      {error && (
        <Alert color="red" title="Could not load runs" role="alert">
          {error}
        </Alert>
      )}
      {!page && !error && <Loader aria-label="Loading runs" />}
      {page && !loading && page.runs.length === 0 && pageIndex === 0 && (
        <RunsEmptyState filtered={filtered} hasClassifiers={(classifiers ?? []).length > 0} />
      )}
      {page && page.runs.length > 0 && (
        <RunsTable
          runs={page.runs}
          at={page.at}
          loading={loading}
          onOpen={open}
          onFollowLink={rememberSequence}
        />
      )}
      {page && (pageIndex > 0 || page.nextPageToken) && (
        <Group justify="space-between">
          <Button
            variant="default"
            disabled={pageIndex === 0 || loading}
            onClick={() => setPaging({ ...current, index: pageIndex - 1 })}
          >
            Previous page
          </Button>
          <Text size="sm" c="dimmed">
            Page {pageIndex + 1}
          </Text>
          <Button
            variant="default"
            disabled={!page.nextPageToken || loading}
            onClick={() =>
              setPaging({
                key: filterKey,
                tokens: [...current.tokens.slice(0, pageIndex + 1), page.nextPageToken],
                index: pageIndex + 1,
              })
            }
          >
            Next page
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function RunsEmptyState({ filtered, hasClassifiers }: { filtered: boolean; hasClassifiers: boolean }) {
  if (filtered) {
    return (
      <EmptyState title="No runs match these filters" description="Clear a filter to see more runs.">
        <Button variant="default" onClick={() => navigate('/runs', { replace: true })}>
          Clear filters
        </Button>
      </EmptyState>
    );
  }
  if (!hasClassifiers) {
    return (
      <EmptyState
        title="No runs yet"
        description="A run classifies one document with a classifier. Start by creating a classifier: the kinds of document you expect, each with a short description."
      >
        <Button onClick={() => navigate('/classifiers')}>Create a classifier</Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState
      title="No runs yet"
      description={
        <>
          Upload a document above, or start runs from your code with <Code>POST /classify_runs</Code> (the{' '}
          <Code>extend-ai</Code> SDK works unchanged). They appear here as they are processed.
        </>
      }
    />
  );
}
