import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from '../../lib/router';

/** "Evaluation / <set> / <title>": the heading of the evaluation pages, the set link only below a set. */
export function EvaluationTrail({
  set,
  children,
  after,
}: {
  set?: { id: string; name: string | undefined };
  /** The page's own title. */
  children: ReactNode;
  /** Shown after the title (a status badge). */
  after?: ReactNode;
}) {
  const separator = (
    <Text size="sm" c="dimmed">
      /
    </Text>
  );
  return (
    <Group gap="xs">
      <Link to="/evaluation" size="sm">
        Evaluation
      </Link>
      {separator}
      {set && (
        <>
          <Link to={`/evaluation/${set.id}`} size="sm">
            {set.name ?? set.id}
          </Link>
          {separator}
        </>
      )}
      <Title order={2} size="h3">
        {children}
      </Title>
      {after}
    </Group>
  );
}
