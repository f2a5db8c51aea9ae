import { Table, Text } from '@mantine/core';
import { memo } from 'react';
import type { ClassifyRunListItem } from '../api/types';
import { formatTime, percent, relativeTime } from '../lib/format';
import { Link } from '../lib/router';
import { ReviewBadges, StatusBadge } from './RunBadges';

/**
 * The runs list's table. Every cell comes from the list item itself. A row renders again only when its
 * run or its "created" wording changed: the live refresh every few seconds touches the rows that moved.
 */
export function RunsTable({
  runs,
  at,
  loading,
  onOpen,
  onFollowLink,
}: {
  runs: ClassifyRunListItem[];
  /** When the page was fetched: "created" is relative to it. */
  at: number;
  /** A newer page is on its way: this one is shown dimmed. */
  loading: boolean;
  onOpen: (id: string) => void;
  /** A plain click on a run's link (the link navigates by itself). */
  onFollowLink: () => void;
}) {
  return (
    <Table
      highlightOnHover
      striped="even"
      aria-label="Classify runs"
      aria-busy={loading}
      verticalSpacing="xs"
      style={{ opacity: loading ? 0.55 : 1 }}
    >
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
        {runs.map((r) => (
          <RunRow
            key={r.id}
            run={r}
            created={relativeTime(r.createdAt, at)}
            onOpen={onOpen}
            onFollowLink={onFollowLink}
          />
        ))}
      </Table.Tbody>
    </Table>
  );
}

interface RowProps {
  run: ClassifyRunListItem;
  created: string;
  onOpen: (id: string) => void;
  onFollowLink: () => void;
}

const RunRow = memo(
  function RunRow({ run: r, created, onOpen, onFollowLink }: RowProps) {
    return (
      <Table.Tr onClick={() => onOpen(r.id)} style={{ cursor: 'pointer' }} data-run-id={r.id}>
        <Table.Td maw={260} style={{ overflowWrap: 'anywhere' }}>
          <Link
            to={`/runs/${r.id}`}
            onClick={(e) => {
              e.stopPropagation();
              if (!e.metaKey && !e.ctrlKey) onFollowLink();
            }}
          >
            {r.file?.name ?? r.id}
          </Link>
        </Table.Td>
        <Table.Td>
          <StatusBadge status={r.status} />
        </Table.Td>
        <Table.Td>
          {r.outputType ?? (
            <Text size="sm" c="dimmed" title={r.failureMessage ?? undefined}>
              {r.failureReason ?? '—'}
            </Text>
          )}
        </Table.Td>
        <Table.Td>{r.outputConfidence === null ? '—' : percent(r.outputConfidence)}</Table.Td>
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
          <Text size="sm">{created}</Text>
        </Table.Td>
      </Table.Tr>
    );
  },
  // Each refresh parses new objects: compare what they say, not their identity.
  (a, b) =>
    a.created === b.created &&
    a.onOpen === b.onOpen &&
    a.onFollowLink === b.onFollowLink &&
    JSON.stringify(a.run) === JSON.stringify(b.run),
);
