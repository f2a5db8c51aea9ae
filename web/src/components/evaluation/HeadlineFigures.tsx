import { Paper, SimpleGrid, Text, Tooltip } from '@mantine/core';
import type { EvaluationMetrics } from '../../api/evaluation-types';
import { HEADLINE_FIGURES, scored } from '../../lib/evaluation-format';

/** The headline figures of one run, as a row of small cards. */
export function HeadlineFigures({ metrics }: { metrics: EvaluationMetrics }) {
  const any = scored(metrics);
  return (
    <SimpleGrid cols={{ base: 4, lg: 7 }} spacing="xs" component="dl" m={0} aria-label="Headline figures">
      {HEADLINE_FIGURES.map((f) => {
        const blank = !any && f.key !== 'files';
        return (
          <Tooltip key={f.key} label={f.hint} multiline w={260} withArrow openDelay={300}>
            <Paper withBorder p="xs" data-figure={f.key}>
              <Text component="dt" size="xs" c="dimmed" fw={600}>
                {f.label}
              </Text>
              <Text component="dd" m={0} fw={700} size="xl" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {blank ? '—' : f.format(f.value(metrics), metrics)}
              </Text>
            </Paper>
          </Tooltip>
        );
      })}
    </SimpleGrid>
  );
}
