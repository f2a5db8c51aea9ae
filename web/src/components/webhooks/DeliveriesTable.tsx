import { Alert, Button, EmptyState, Group, Loader, Select, Stack, Table, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import { DELIVERY_STATUSES, type DeliveryStatus, type WebhookDelivery } from '../../api/types';
import { formatTime, formatTimeSeconds, relativeTime, untilTime } from '../../lib/format';
import { Link, navigate } from '../../lib/router';
import { useApi } from '../../lib/session';
import { usePolling } from '../../lib/use-polling';
import { resourcePath } from '../../lib/webhook-events';
import { DeliveryStatusBadge, StatusCode } from './WebhookBadges';

const PAGE_SIZE = 25;
const POLL_MS = 4000;
// A delivery that is being sent, or is due again soon, should change on screen as it happens.
const ACTIVE_POLL_MS = 1000;

interface Page {
  deliveries: WebhookDelivery[];
  nextPageToken: string | undefined;
  at: number;
}

/** Moving: waiting to be sent, or failed with the next attempt due within a minute. */
export function deliveryMoving(d: WebhookDelivery, now = Date.now()): boolean {
  if (d.status === 'pending') return true;
  return d.status === 'failed' && d.nextAttemptAt !== null && Date.parse(d.nextAttemptAt) - now < 60_000;
}

/**
 * An endpoint's delivery log, newest first, filtered by status and event type (kept in the URL),
 * paged with the API's nextPageToken and refreshed while the page is open.
 */
export function DeliveriesTable({
  endpointId,
  eventTypes,
  search,
  refreshKey,
}: {
  endpointId: string;
  /** Offered in the event type filter. */
  eventTypes: string[];
  search: URLSearchParams;
  /** Changes when something else (a retry, a replay) changed the log. */
  refreshKey: number;
}) {
  const api = useApi();
  const status = (search.get('status') as DeliveryStatus | null) ?? undefined;
  const eventType = search.get('eventType') ?? undefined;
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const base = `/webhooks/${encodeURIComponent(endpointId)}`;
  const qs = search.toString() ? `?${search.toString()}` : '';

  const setFilter = (key: string, value: string | null) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    const q = next.toString();
    navigate(`${base}${q ? `?${q}` : ''}`, { replace: true });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts from the first page
  useEffect(() => {
    setTokens([undefined]);
    setPageIndex(0);
  }, [status, eventType]);

  const token = tokens[pageIndex];
  const moving = Boolean(page?.deliveries.some((d) => deliveryMoving(d)));
  const refresh = usePolling(
    async (quiet) => {
      const mine = ++generation.current;
      if (!quiet) setPage(null);
      try {
        const list = await api.listWebhookDeliveries(endpointId, {
          status,
          eventType,
          maxPageSize: PAGE_SIZE,
          nextPageToken: token,
        });
        if (mine !== generation.current) return;
        setPage({ deliveries: list.data, nextPageToken: list.nextPageToken, at: Date.now() });
        setError(null);
      } catch (err) {
        if (mine === generation.current) setError(errorMessage(err));
      }
    },
    moving ? ACTIVE_POLL_MS : POLL_MS,
    JSON.stringify([endpointId, status, eventType, token]),
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh when told, not on mount
  useEffect(() => {
    if (refreshKey > 0) refresh();
  }, [refreshKey]);

  const filtered = Boolean(status || eventType);
  const typeOptions = [...new Set([...eventTypes, ...(eventType ? [eventType] : [])])];

  return (
    <Stack gap="sm">
      <Group gap="sm" align="end" role="search" aria-label="Filter deliveries">
        <Select
          label="Status"
          placeholder="Any status"
          data={DELIVERY_STATUSES}
          value={status ?? null}
          onChange={(v) => setFilter('status', v)}
          clearable
          w={170}
        />
        <Select
          label="Event type"
          placeholder="Any event"
          data={typeOptions}
          value={eventType ?? null}
          onChange={(v) => setFilter('eventType', v)}
          clearable
          searchable
          w={260}
        />
        {filtered && (
          <Button variant="subtle" onClick={() => navigate(base, { replace: true })}>
            Clear filters
          </Button>
        )}
        <Text size="xs" c="dimmed" ml="auto" aria-live="polite">
          {page ? `Live: refreshed ${relativeTime(new Date(page.at).toISOString())}` : 'Loading…'}
        </Text>
      </Group>
      {error && (
        <Alert color="red" title="Could not load the deliveries" role="alert">
          {error}
        </Alert>
      )}
      {!page && !error && <Loader aria-label="Loading deliveries" />}
      {page && page.deliveries.length === 0 && pageIndex === 0 && (
        <EmptyState
          title={filtered ? 'No deliveries match these filters' : 'No deliveries yet'}
          description={
            filtered
              ? 'Clear a filter to see more deliveries.'
              : 'Each event this endpoint listens for becomes a delivery here, with every attempt to send it. Events that happened before the endpoint was created are not sent.'
          }
        />
      )}
      {page && page.deliveries.length > 0 && (
        <Table highlightOnHover aria-label="Deliveries" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Attempts</Table.Th>
              <Table.Th>Last response</Table.Th>
              <Table.Th>Next attempt</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.deliveries.map((d) => {
              const to = `${base}/deliveries/${encodeURIComponent(d.id)}${qs}`;
              const subject = resourcePath(d.resourceId);
              return (
                <Table.Tr
                  key={d.id}
                  data-delivery-id={d.id}
                  onClick={() => navigate(to)}
                  style={{ cursor: 'pointer' }}
                >
                  <Table.Td>
                    <Link
                      to={to}
                      onClick={(e) => e.stopPropagation()}
                      aria-label={`Delivery ${d.eventType} ${d.id}`}
                    >
                      {d.eventType}
                    </Link>
                  </Table.Td>
                  <Table.Td>
                    {subject && d.resourceId ? (
                      <Link to={subject} size="sm" ff="monospace" onClick={(e) => e.stopPropagation()}>
                        {d.resourceId}
                      </Link>
                    ) : (
                      <Text size="sm" ff="monospace" c="dimmed">
                        {d.resourceId ?? '—'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <DeliveryStatusBadge status={d.status} />
                  </Table.Td>
                  <Table.Td>{d.attemptCount}</Table.Td>
                  <Table.Td title={d.lastError ?? undefined}>
                    {d.attemptCount === 0 ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : (
                      <StatusCode code={d.lastStatusCode} />
                    )}
                  </Table.Td>
                  <Table.Td title={d.nextAttemptAt ? formatTimeSeconds(d.nextAttemptAt) : undefined}>
                    <Text size="sm" c={d.nextAttemptAt ? undefined : 'dimmed'}>
                      {d.nextAttemptAt ? untilTime(d.nextAttemptAt, page.at) : '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td title={formatTime(d.createdAt)}>
                    <Text size="sm">{relativeTime(d.createdAt, page.at)}</Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {page && (pageIndex > 0 || page.nextPageToken) && (
        <Group justify="space-between">
          <Button variant="default" disabled={pageIndex === 0} onClick={() => setPageIndex((i) => i - 1)}>
            Previous page
          </Button>
          <Text size="sm" c="dimmed">
            Page {pageIndex + 1}
          </Text>
          <Button
            variant="default"
            disabled={!page.nextPageToken}
            onClick={() => {
              const next = page.nextPageToken;
              setTokens((t) => [...t.slice(0, pageIndex + 1), next]);
              setPageIndex((i) => i + 1);
            }}
          >
            Next page
          </Button>
        </Group>
      )}
    </Stack>
  );
}
