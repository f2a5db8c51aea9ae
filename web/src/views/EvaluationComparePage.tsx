import { Alert, Group, Loader, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import { type EvaluationSet, type EvaluationSetRun, runFinished } from '../api/evaluation-types';
import { classOrder } from '../components/evaluation/ClassMetricsTable';
import { ConfusionMatrix } from '../components/evaluation/ConfusionMatrix';
import { EvaluationStatus } from '../components/evaluation/EvaluationStatus';
import { EvaluationTrail } from '../components/evaluation/EvaluationTrail';
import { compareUrl } from '../components/evaluation/RunsTable';
import { Section } from '../components/evaluation/Section';
import {
  deltaColor,
  f1,
  f1Delta,
  HEADLINE_FIGURES,
  pct,
  scored,
  versionLabel,
} from '../lib/evaluation-format';
import { formatTime, formatTimeSeconds } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { useApi } from '../lib/session';
import { usePolling } from '../lib/use-polling';

// Figures line up by their digits.
const NUM = { fontVariantNumeric: 'tabular-nums' } as const;

const runName = (r: EvaluationSetRun) => `${versionLabel(r)}, ${formatTime(r.createdAt)}`;
// Runs of one minute differ by their seconds; the accuracy helps to pick.
const optionName = (r: EvaluationSetRun) =>
  `${versionLabel(r)} · ${scored(r.metrics) ? pct(r.metrics.accuracy) : r.status} · ${formatTimeSeconds(r.createdAt)}`;

/** `/evaluation/compare?a=bpr_...&b=bpr_...`: two runs side by side, B's change from A beside each figure. */
export function EvaluationComparePage({ a, b }: { a: string | null; b: string | null }) {
  const api = useApi();
  const [pair, setPair] = useState<[EvaluationSetRun, EvaluationSetRun] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [set, setSet] = useState<EvaluationSet | null>(null);
  const [siblings, setSiblings] = useState<EvaluationSetRun[]>([]);

  usePolling(
    async () => {
      if (!a || !b) return;
      // Finished runs do not change; a new pick (from the selects below) is loaded afresh.
      const same = pair && pair[0].id === a && pair[1].id === b;
      if (same && runFinished(pair[0]) && runFinished(pair[1])) return;
      try {
        setPair(await Promise.all([api.getEvaluationRun(a), api.getEvaluationRun(b)]));
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    1500,
    `${a}|${b}`,
  );

  const setId = pair?.[0].evaluationSetId;
  useEffect(() => {
    if (!setId) return;
    api
      .getEvaluationSet(setId)
      .then(setSet)
      .catch(() => setSet(null));
    api
      .listEvaluationRuns({ evaluationSetId: setId, maxPageSize: 100 })
      .then((l) => setSiblings(l.data))
      .catch(() => setSiblings([]));
  }, [api, setId]);

  if (!a || !b) {
    return (
      <Stack>
        <Title order={2}>Compare evaluation runs</Title>
        <Alert color="yellow" role="alert" title="Two runs are needed">
          Open an evaluation set, tick two of its runs and press Compare selected.
        </Alert>
        <Link to="/evaluation">Back to evaluation</Link>
      </Stack>
    );
  }
  if (error && !pair) {
    return (
      <Stack>
        <Title order={2}>Compare evaluation runs</Title>
        <Alert color="red" role="alert" title="Could not load the runs">
          {error}
        </Alert>
        <Link to="/evaluation">Back to evaluation</Link>
      </Stack>
    );
  }
  if (!pair) return <Loader aria-label="Loading the runs" />;
  const [runA, runB] = pair;
  const options = [...new Map([runA, runB, ...siblings].map((r) => [r.id, r])).values()].map((r) => ({
    value: r.id,
    label: optionName(r),
  }));
  const both = scored(runA.metrics) && scored(runB.metrics);

  return (
    <Stack gap="sm">
      <Stack gap={0}>
        <EvaluationTrail set={{ id: runA.evaluationSetId, name: set?.name }}>Compare runs</EvaluationTrail>
        <Text size="xs" c="dimmed">
          Changes are B minus A: green where B is better, red where it is worse.
        </Text>
      </Stack>
      {runA.evaluationSetId !== runB.evaluationSetId && (
        <Alert color="yellow" role="alert" title="Different evaluation sets">
          These runs scored different sets of documents, so their figures are not directly comparable.
        </Alert>
      )}
      <Group align="end" role="group" aria-label="Runs compared">
        <Select
          label="A"
          data={options}
          value={runA.id}
          onChange={(v) => v && navigate(compareUrl(v, runB.id), { replace: true })}
          allowDeselect={false}
          w={300}
        />
        <Select
          label="B"
          data={options}
          value={runB.id}
          onChange={(v) => v && navigate(compareUrl(runA.id, v), { replace: true })}
          allowDeselect={false}
          w={300}
        />
      </Group>

      <SimpleGrid cols={2} spacing="sm">
        <Section title="Headline figures">
          <Table aria-label="Headline figures compared" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Figure</Table.Th>
                <Table.Th ta="right">A</Table.Th>
                <Table.Th ta="right">B</Table.Th>
                <Table.Th ta="right">Change</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {HEADLINE_FIGURES.map((f) => {
                const va = f.value(runA.metrics);
                const vb = f.value(runB.metrics);
                const shows = both || f.key === 'files';
                return (
                  <Table.Tr key={f.key}>
                    <Table.Td title={f.hint}>{f.label}</Table.Td>
                    <Table.Td ta="right" style={NUM}>
                      {shows ? f.format(va, runA.metrics) : '—'}
                    </Table.Td>
                    <Table.Td ta="right" style={NUM}>
                      {shows ? f.format(vb, runB.metrics) : '—'}
                    </Table.Td>
                    <Table.Td
                      ta="right"
                      style={NUM}
                      c={shows ? deltaColor(vb - va, f.higherIsBetter) : undefined}
                    >
                      {shows ? f.formatDelta(vb - va) : '—'}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Section>
        <Section title="F1 per class">
          <ClassF1Compare a={runA} b={runB} />
        </Section>
        <Section title="A: confusion matrix" extra={<RunTag run={runA} />}>
          <ConfusionMatrix
            labels={runA.metrics.confusionMatrix.labels}
            counts={runA.metrics.confusionMatrix.counts}
            label="Confusion matrix of run A"
            compact
          />
        </Section>
        <Section title="B: confusion matrix" extra={<RunTag run={runB} />}>
          <ConfusionMatrix
            labels={runB.metrics.confusionMatrix.labels}
            counts={runB.metrics.confusionMatrix.counts}
            label="Confusion matrix of run B"
            compact
          />
        </Section>
      </SimpleGrid>
    </Stack>
  );
}

function RunTag({ run }: { run: EvaluationSetRun }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Link to={`/evaluation/runs/${run.id}`} size="xs">
        {runName(run)}
      </Link>
      <EvaluationStatus run={run} />
    </Group>
  );
}

function ClassF1Compare({ a, b }: { a: EvaluationSetRun; b: EvaluationSetRun }) {
  const types = [...new Set([...classOrder(a.metrics), ...classOrder(b.metrics)])];
  const cell = (r: EvaluationSetRun, type: string) => {
    const c = r.metrics.classificationMetrics[type];
    return c && (c.countExpected > 0 || c.countPredicted > 0) ? c : null;
  };
  return (
    <Table aria-label="F1 per class compared" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Class</Table.Th>
          <Table.Th ta="right">Files</Table.Th>
          <Table.Th ta="right">F1 A</Table.Th>
          <Table.Th ta="right">F1 B</Table.Th>
          <Table.Th ta="right">Change</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {types.map((type) => {
          const ca = cell(a, type);
          const cb = cell(b, type);
          if (!ca && !cb) return null;
          const d = (cb?.f1 ?? 0) - (ca?.f1 ?? 0);
          return (
            <Table.Tr key={type}>
              <Table.Td fw={600}>{type}</Table.Td>
              <Table.Td ta="right" title="Files expected in this class, in A / B">
                {ca?.countExpected ?? 0} / {cb?.countExpected ?? 0}
              </Table.Td>
              <Table.Td ta="right" style={NUM}>
                {ca ? f1(ca.f1) : '—'}
              </Table.Td>
              <Table.Td ta="right" style={NUM}>
                {cb ? f1(cb.f1) : '—'}
              </Table.Td>
              <Table.Td ta="right" style={NUM} c={ca && cb ? deltaColor(d, true) : undefined}>
                {ca && cb ? f1Delta(d) : '—'}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
