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
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import {
  type ClassifierSummary,
  type ClassifyRun,
  type ClassifyRunSummary,
  RUN_STATUSES,
  type RunStatus,
} from '../api/types';
import { ReviewBadges, StatusBadge } from '../components/RunBadges';
import { UploadPanel } from '../components/UploadPanel';
import { formatTime, percent, relativeTime } from '../lib/format';
import { Link, navigate, useLocation } from '../lib/router';
import { loadRunDetails } from '../lib/run-details';
import { setRunSequence } from '../lib/run-sequence';
import { useApi } from '../lib/session';
import { usePolling } from '../lib/use-polling';

const PAGE_SIZE = 25;
const POLL_MS = 3000;
// While a run on the page is still moving, its change of status should show quickly.
const ACTIVE_POLL_MS = 1000;

interface Page {
  runs: ClassifyRunSummary[];
  details: Map<string, ClassifyRun>;
  nextPageToken: string | undefined;
  at: number;
}

export function RunsPage() {
  const api = useApi();
  const { search } = useLocation();
  const status = (search.get('status') as RunStatus | null) ?? undefined;
  const classifierId = search.get('classifier') ?? undefined;
  const nameFilter = search.get('q') ?? '';

  const [classifiers, setClassifiers] = useState<ClassifierSummary[] | null>(null);
  // Tokens of the pages visited so far: [undefined (first page), token of page 2, ...].
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [nameInput, setNameInput] = useState(nameFilter);
  const generation = useRef(0);

  useEffect(() => {
    api
      .listClassifiers({ maxPageSize: 100 })
      .then((l) => setClassifiers(l.data))
      .catch((err) => setError(errorMessage(err)));
  }, [api]);

  const setFilter = (key: string, value: string | null | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    const qs = next.toString();
    navigate(`/runs${qs ? `?${qs}` : ''}`, { replace: true });
  };

  // Typing in the name filter waits for a pause before asking the server.
  useEffect(() => {
    if (nameInput === nameFilter) return;
    const t = setTimeout(() => setFilter('q', nameInput.trim() || null), 300);
    return () => clearTimeout(t);
  });

  // A new filter starts from the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the filters change
  useEffect(() => {
    setTokens([undefined]);
    setPageIndex(0);
  }, [status, classifierId, nameFilter]);

  const token = tokens[pageIndex];
  const active = Boolean(page?.runs.some((r) => r.status === 'PENDING' || r.status === 'PROCESSING'));
  const refresh = usePolling(
    async (quiet) => {
      const mine = ++generation.current;
      if (!quiet) setPage(null);
      try {
        const list = await api.listRuns({
          status,
          classifierId,
          fileNameContains: nameFilter || undefined,
          sortBy: 'createdAt',
          sortDir: 'desc',
          maxPageSize: PAGE_SIZE,
          nextPageToken: token,
        });
        const details = await loadRunDetails(api, list.data);
        if (mine !== generation.current) return;
        setPage({ runs: list.data, details, nextPageToken: list.nextPageToken, at: Date.now() });
        setError(null);
      } catch (err) {
        if (mine === generation.current) setError(errorMessage(err));
      }
    },
    active ? ACTIVE_POLL_MS : POLL_MS,
    JSON.stringify([status, classifierId, nameFilter, token]),
  );

  const open = (id: string) => {
    if (page) setRunSequence(page.runs.map((r) => r.id));
    navigate(`/runs/${id}`);
  };
  const filtered = Boolean(status || classifierId || nameFilter);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Runs</Title>
        <Text size="xs" c="dimmed" aria-live="polite">
          {page ? `Live: refreshed ${relativeTime(new Date(page.at).toISOString())}` : 'Loading…'}
        </Text>
      </Group>
      {classifiers && classifiers.length > 0 && (
        <UploadPanel
          classifiers={classifiers}
          onStarted={() => {
            // The new run is at the top of the first page; show it without waiting for the next poll.
            if (pageIndex === 0) refresh();
            else setPageIndex(0);
          }}
        />
      )}
      <Group gap="sm" align="end" role="search" aria-label="Filter runs">
        <Select
          label="Status"
          placeholder="Any status"
          data={RUN_STATUSES}
          value={status ?? null}
          onChange={(v) => setFilter('status', v)}
          clearable
          w={170}
        />
        <Select
          label="Classifier"
          placeholder="Any classifier"
          data={(classifiers ?? []).map((c) => ({ value: c.id, label: c.name }))}
          value={classifierId ?? null}
          onChange={(v) => setFilter('classifier', v)}
          clearable
          searchable
          w={220}
        />
        <TextInput
          label="File name contains"
          placeholder="e.g. invoice"
          value={nameInput}
          onChange={(e) => setNameInput(e.currentTarget.value)}
          w={220}
        />
        {filtered && (
          <Button variant="subtle" onClick={() => navigate('/runs', { replace: true })}>
            Clear filters
          </Button>
        )}
      </Group>
      {error && (
        <Alert color="red" title="Could not load runs" role="alert">
          {error}
        </Alert>
      )}
      {!page && !error && <Loader aria-label="Loading runs" />}
      {page && page.runs.length === 0 && pageIndex === 0 && (
        <RunsEmptyState filtered={filtered} hasClassifiers={(classifiers ?? []).length > 0} />
      )}
      {page && page.runs.length > 0 && (
        <Table highlightOnHover striped="even" aria-label="Classify runs" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Confidence</Table.Th>
              <Table.Th>Review</Table.Th>
              <Table.Th>Classifier</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.runs.map((r) => {
              const detail = page.details.get(r.id);
              return (
                <Table.Tr
                  key={r.id}
                  onClick={() => open(r.id)}
                  style={{ cursor: 'pointer' }}
                  data-run-id={r.id}
                >
                  <Table.Td maw={260} style={{ overflowWrap: 'anywhere' }}>
                    <Link
                      to={`/runs/${r.id}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        if (!e.metaKey && !e.ctrlKey) setRunSequence(page.runs.map((x) => x.id));
                      }}
                    >
                      {r.file?.name ?? r.id}
                    </Link>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={r.status} />
                  </Table.Td>
                  <Table.Td>
                    {detail?.output?.type ?? (
                      <Text size="sm" c="dimmed" title={r.failureMessage ?? undefined}>
                        {r.failureReason ?? '—'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{detail?.output ? percent(detail.output.confidence) : '—'}</Table.Td>
                  <Table.Td>
                    <ReviewBadges reviewed={r.reviewed} edited={r.edited} />
                  </Table.Td>
                  <Table.Td>
                    {r.classifier?.name ?? '—'}
                    {r.classifierVersion && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        {r.classifierVersion.version}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td title={formatTime(r.createdAt)}>
                    <Text size="sm">{relativeTime(r.createdAt, page.at)}</Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {page && (pageIndex > 0 || page.nextPageToken) && (
        <Group justify="space-between">
          <Button variant="default" disabled={pageIndex === 0} onClick={() => setPageIndex((i) => i - 1)}>
            Previous page
          </Button>
          <Text size="sm" c="dimmed">
            Page {pageIndex + 1}
          </Text>
          <Button
            variant="default"
            disabled={!page.nextPageToken}
            onClick={() => {
              const next = page.nextPageToken;
              setTokens((t) => [...t.slice(0, pageIndex + 1), next]);
              setPageIndex((i) => i + 1);
            }}
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
