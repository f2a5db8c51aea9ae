import { Paper, ScrollArea, SimpleGrid, Table, Text } from '@mantine/core';
import type { UsageDay } from '../../api/types';
import { pct } from '../../lib/evaluation-format';
import { Link } from '../../lib/router';
import { longDay, mediumDay, type UsageSeries, type UsageTotals } from '../../lib/usage-data';

const num = { style: { fontVariantNumeric: 'tabular-nums' as const }, ta: 'right' as const };

/** The range's headline figures, as a row of small cards. */
export function UsageFigures({ totals }: { totals: UsageTotals }) {
  const figures = [
    { key: 'credits', label: 'Credits', value: totals.credits },
    { key: 'runs', label: 'Runs', value: totals.runs },
    { key: 'failed', label: 'Failed', value: totals.failed },
    { key: 'pages', label: 'Pages classified', value: totals.pages },
  ];
  return (
    <SimpleGrid cols={4} spacing="xs" component="dl" m={0} aria-label="Totals">
      {figures.map((f) => (
        <Paper key={f.key} withBorder p="xs" data-figure={f.key}>
          <Text component="dt" size="xs" c="dimmed" fw={600}>
            {f.label}
          </Text>
          <Text component="dd" m={0} fw={700} size="xl" style={num.style}>
            {f.value.toLocaleString()}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/** Runs, credits and share of the range's credits per classifier (and the parse API's runs). */
export function ClassifierUsageTable({ series, total }: { series: UsageSeries[]; total: number }) {
  return (
    <Table striped aria-label="Usage by classifier">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Classifier</Table.Th>
          <Table.Th ta="right">Runs</Table.Th>
          <Table.Th ta="right">Credits</Table.Th>
          <Table.Th ta="right">Share</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {series.map((s) => (
          <Table.Tr key={s.key} data-series={s.key}>
            <Table.Td>
              <span
                aria-hidden
                style={{
                  display: 'inline-block',
                  width: 10,
                  height: 10,
                  borderRadius: 2,
                  background: s.color,
                  marginRight: 8,
                }}
              />
              {s.classifierId ? (
                <Link to={`/classifiers/${s.classifierId}`} size="sm">
                  {s.label}
                </Link>
              ) : (
                s.label
              )}
            </Table.Td>
            <Table.Td {...num}>{s.key === 'parse' ? '—' : s.runs.toLocaleString()}</Table.Td>
            <Table.Td {...num}>{s.credits.toLocaleString()}</Table.Td>
            <Table.Td {...num}>{total > 0 ? pct(s.credits / total) : '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Every day of the range, newest first: the chart's figures as text. */
export function UsageDaysTable({ days }: { days: UsageDay[] }) {
  return (
    <ScrollArea.Autosize mah={420} type="auto" offsetScrollbars="y">
      <Table striped stickyHeader aria-label="Usage per day">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Day (UTC)</Table.Th>
            <Table.Th ta="right">Runs</Table.Th>
            <Table.Th ta="right">Processed</Table.Th>
            <Table.Th ta="right">Failed</Table.Th>
            <Table.Th ta="right">Pages</Table.Th>
            <Table.Th ta="right">Classify credits</Table.Th>
            <Table.Th ta="right">Parse credits</Table.Th>
            <Table.Th ta="right">Credits</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...days].reverse().map((d) => (
            <Table.Tr key={d.date} data-date={d.date} c={d.runs || d.credits ? undefined : 'dimmed'}>
              <Table.Td style={{ whiteSpace: 'nowrap' }} title={longDay(d.date)}>
                {mediumDay(d.date)}
              </Table.Td>
              <Table.Td {...num}>{d.runs.toLocaleString()}</Table.Td>
              <Table.Td {...num}>{d.processed.toLocaleString()}</Table.Td>
              <Table.Td {...num}>{d.failed.toLocaleString()}</Table.Td>
              <Table.Td {...num}>{d.pagesClassified.toLocaleString()}</Table.Td>
              <Table.Td {...num}>{d.classifyCredits.toLocaleString()}</Table.Td>
              <Table.Td {...num}>{d.parseCredits.toLocaleString()}</Table.Td>
              <Table.Td {...num} fw={600}>
                {d.credits.toLocaleString()}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
