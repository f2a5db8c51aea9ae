import { Badge, Group } from '@mantine/core';
import type { RunStatus } from '../api/types';

const STATUS_COLOR: Record<RunStatus, string> = {
  PENDING: 'gray',
  PROCESSING: 'blue',
  PROCESSED: 'green',
  FAILED: 'red',
  CANCELLED: 'orange',
};

export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" aria-label={`status ${status}`}>
      {status}
    </Badge>
  );
}

export function ReviewBadges({ reviewed, edited }: { reviewed: boolean; edited: boolean }) {
  if (!reviewed) return null;
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color="teal" variant="outline" size="sm">
        reviewed
      </Badge>
      {edited && (
        <Badge color="grape" variant="outline" size="sm">
          edited
        </Badge>
      )}
    </Group>
  );
}
