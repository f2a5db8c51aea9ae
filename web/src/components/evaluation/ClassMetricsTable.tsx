import { Table, Text } from '@mantine/core';
import type { EvaluationMetrics } from '../../api/evaluation-types';
import { f1, pct } from '../../lib/evaluation-format';

/** Class types in the confusion matrix's order (the classifier's own order), then any others. */
export function classOrder(m: EvaluationMetrics): string[] {
  const keys = Object.keys(m.classificationMetrics);
  const ordered = m.confusionMatrix.labels.filter((l) => keys.includes(l));
  return [...ordered, ...keys.filter((k) => !ordered.includes(k))];
}

/** Per-class precision, recall and F1, with the counts they come from. */
export function ClassMetricsTable({ metrics }: { metrics: EvaluationMetrics }) {
  return (
    <Table aria-label="Per-class metrics" verticalSpacing={4} striped="even">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Class</Table.Th>
          <Table.Th ta="right">Expected</Table.Th>
          <Table.Th ta="right">Predicted</Table.Th>
          <Table.Th ta="right">Correct</Table.Th>
          <Table.Th ta="right">Precision</Table.Th>
          <Table.Th ta="right">Recall</Table.Th>
          <Table.Th ta="right">F1</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {classOrder(metrics).map((type) => {
          const c = metrics.classificationMetrics[type];
          if (!c) return null;
          // A class nothing was expected in or predicted as has no meaningful rates.
          const idle = c.countExpected === 0 && c.countPredicted === 0;
          return (
            <Table.Tr key={type}>
              <Table.Td fw={600}>{type}</Table.Td>
              <Table.Td ta="right">{c.countExpected}</Table.Td>
              <Table.Td ta="right">{c.countPredicted}</Table.Td>
              <Table.Td ta="right">{c.countCorrect}</Table.Td>
              <Table.Td ta="right">{idle || !c.countPredicted ? '—' : pct(c.precision, 0)}</Table.Td>
              <Table.Td ta="right">{idle || !c.countExpected ? '—' : pct(c.recall, 0)}</Table.Td>
              <Table.Td ta="right" fw={700}>
                {idle ? (
                  <Text
                    span
                    c="dimmed"
                    size="sm"
                    title="No file was expected in this class or predicted as it"
                  >
                    —
                  </Text>
                ) : (
                  f1(c.f1)
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
