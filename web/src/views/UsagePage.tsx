import {
  Alert,
  Button,
  EmptyState,
  Grid,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../api/client';
import type { ClassifierSummary, UsageReport } from '../api/types';
import { Section } from '../components/evaluation/Section';
import { UsageChart } from '../components/usage/UsageChart';
import { ClassifierUsageTable, UsageDaysTable, UsageFigures } from '../components/usage/UsageTables';
import { navigate, useLocation } from '../lib/router';
import { useApi } from '../lib/session';
import {
  PRESETS,
  presetOf,
  presetRange,
  readUsageQuery,
  type UsageQuery,
  usageSeries,
  usageTotals,
  usageUrl,
} from '../lib/usage-data';
import { usePolling } from '../lib/use-polling';

// Runs finish in the background; a quiet refresh keeps today's bar current.
const POLL_MS = 15_000;

/** `/usage?from=&to=&classifierId=`: credits and runs per UTC day, by classifier (GET /usage/daily). */
export function UsagePage() {
  const api = useApi();
  const { search } = useLocation();
  const searchKey = search.toString();
  const q = useMemo(() => readUsageQuery(new URLSearchParams(searchKey)), [searchKey]);
  const queryKey = JSON.stringify(q);

  const [report, setReport] = useState<{ key: string; data: UsageReport } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [classifiers, setClassifiers] = useState<ClassifierSummary[]>([]);
  // Whether the workspace has made any run at all: tells a new workspace from a quiet period.
  const [anyRun, setAnyRun] = useState<boolean | null>(null);

  usePolling(
    async () => {
      try {
        const data = await api.usageDaily(q);
        setReport({ key: queryKey, data });
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    POLL_MS,
    queryKey,
  );

  useEffect(() => {
    api
      .listClassifiers({ maxPageSize: 100 })
      .then((l) => setClassifiers(l.data))
      .catch(() => setClassifiers([]));
    api
      .listRuns({ maxPageSize: 1 })
      .then((l) => setAnyRun(l.data.length > 0))
      .catch(() => setAnyRun(true));
  }, [api]);

  const data = report?.data ?? null;
  const series = useMemo(() => (data ? usageSeries(data.days) : []), [data]);
  const totals = useMemo(() => usageTotals(data?.days ?? []), [data]);
  const go = (next: UsageQuery) => navigate(usageUrl(next));
  const preset = data ? presetOf(data) : null;

  const controls = (
    <Group gap="sm" align="end" role="search" aria-label="Usage period and classifier">
      <SegmentedControl
        aria-label="Period"
        value={preset ? String(preset) : 'custom'}
        onChange={(v) => {
          if (v !== 'custom') go({ ...presetRange(Number(v)), classifierId: q.classifierId });
        }}
        data={[
          ...PRESETS.map((p) => ({ value: String(p), label: `${p} days` })),
          { value: 'custom', label: 'Custom', disabled: true },
        ]}
      />
      <TextInput
        type="date"
        label="From"
        value={data?.from ?? q.from ?? ''}
        max={data?.to}
        onChange={(e) =>
          e.currentTarget.value && go({ ...q, from: e.currentTarget.value, to: data?.to ?? q.to })
        }
        w={160}
      />
      <TextInput
        type="date"
        label="To"
        value={data?.to ?? q.to ?? ''}
        min={data?.from}
        onChange={(e) =>
          e.currentTarget.value && go({ ...q, from: data?.from ?? q.from, to: e.currentTarget.value })
        }
        w={160}
      />
      <Select
        label="Classifier"
        placeholder="All classifiers"
        clearable
        searchable
        value={q.classifierId ?? null}
        data={classifiers.map((c) => ({ value: c.id, label: c.name }))}
        onChange={(v) => go({ ...q, classifierId: v ?? undefined })}
        w={240}
      />
    </Group>
  );

  const header = (
    <Stack gap={2}>
      <Title order={2}>Usage</Title>
      <Text size="sm" c="dimmed">
        Credits and runs per day (UTC). Classifying costs 1 credit per page; parsing 1 credit per page when a
        new parse is made.
      </Text>
    </Stack>
  );

  if (!data) {
    return (
      <Stack>
        {header}
        {error ? (
          <Alert color="red" title="Could not load usage" role="alert">
            {error}
          </Alert>
        ) : (
          <Loader aria-label="Loading usage" />
        )}
      </Stack>
    );
  }

  if (anyRun === false && totals.credits === 0) {
    return (
      <Stack>
        {header}
        <EmptyState
          title="No usage yet"
          description="This workspace has not classified anything. Upload a file on the Runs page (or call POST /classify_runs) and its credits appear here by day and classifier."
        >
          <Button onClick={() => navigate('/runs')}>Go to runs</Button>
        </EmptyState>
      </Stack>
    );
  }

  return (
    <Stack gap="sm">
      {header}
      {controls}
      {error && (
        <Alert color="yellow" title="Not refreshed" role="alert">
          {error}
        </Alert>
      )}
      <UsageFigures totals={totals} />
      <Section title="Credits per day">
        {totals.credits === 0 && totals.runs === 0 && (
          <Text size="sm" c="dimmed" mb="xs">
            No runs in these days{q.classifierId ? ' for this classifier' : ''}.
          </Text>
        )}
        <UsageChart days={data.days} series={series} />
      </Section>
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Section title="By classifier">
            {series.length ? (
              <ClassifierUsageTable series={series} total={totals.credits} />
            ) : (
              <Text size="sm" c="dimmed">
                Nothing was billed in these days.
              </Text>
            )}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Section title="Per day">
            <UsageDaysTable days={data.days} />
          </Section>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
