import { Group, Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled panel of the evaluation pages, a landmark named by its title. */
export function Section({
  title,
  children,
  extra,
}: {
  title: string;
  children: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={title} style={{ minWidth: 0 }}>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {title}
        </Title>
        {extra}
      </Group>
      {children}
    </Paper>
  );
}
