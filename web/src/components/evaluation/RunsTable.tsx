import { Button, Checkbox, Group, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { EvaluationSetRun } from '../../api/evaluation-types';
import { f1, pct, scored, versionLabel } from '../../lib/evaluation-format';
import { formatTime } from '../../lib/format';
import { Link, navigate } from '../../lib/router';
import { EvaluationStatus } from './EvaluationStatus';

export function compareUrl(a: string, b: string): string {
  return `/evaluation/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
}

/** The runs of a set, newest first; tick two to compare them. */
export function RunsTable({ runs }: { runs: EvaluationSetRun[] }) {
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) =>
    // Ticking a third run lets go of the oldest pick: two are compared at a time.
    setPicked((prev) =>
      on ? [...prev.filter((x) => x !== id), id].slice(-2) : prev.filter((x) => x !== id),
    );

  const compare = () => {
    const chosen = runs.filter((r) => picked.includes(r.id));
    // Older on the left (A), newer on the right (B): deltas read as "what changed since".
    const [newer, older] = chosen;
    if (newer && older) navigate(compareUrl(older.id, newer.id));
  };

  return (
    <>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {picked.length === 2 ? 'Two runs ticked.' : 'Tick two runs to compare them side by side.'}
        </Text>
        <Button size="xs" variant="default" disabled={picked.length !== 2} onClick={compare}>
          Compare selected
        </Button>
      </Group>
      <Table aria-label="Evaluation runs" verticalSpacing={4} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={80}>Compare</Table.Th>
            <Table.Th>Run</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Accuracy</Table.Th>
            <Table.Th ta="right">Macro-F1</Table.Th>
            <Table.Th ta="right">Calibration error</Table.Th>
            <Table.Th ta="right">Failures</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((r) => {
            const m = r.metrics;
            const has = scored(m);
            return (
              <Table.Tr key={r.id} data-run-id={r.id}>
                <Table.Td>
                  <Checkbox
                    aria-label={`Compare run ${r.id}`}
                    checked={picked.includes(r.id)}
                    onChange={(e) => toggle(r.id, e.currentTarget.checked)}
                  />
                </Table.Td>
                <Table.Td>
                  <Link to={`/evaluation/runs/${r.id}`} size="sm">
                    {formatTime(r.createdAt)}
                  </Link>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {r.id}
                  </Text>
                </Table.Td>
                <Table.Td>{versionLabel(r)}</Table.Td>
                <Table.Td>
                  <EvaluationStatus run={r} withProgress />
                </Table.Td>
                <Table.Td ta="right" fw={600}>
                  {has ? pct(m.accuracy) : '—'}
                </Table.Td>
                <Table.Td ta="right">{has ? f1(m.macroF1) : '—'}</Table.Td>
                <Table.Td ta="right">{has ? pct(m.expectedCalibrationError) : '—'}</Table.Td>
                <Table.Td ta="right">{has ? m.numFilesFailed : '—'}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </>
  );
}
