import { Group, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { ClassifyRun, WebhookDelivery, WebhookEndpoint } from '../../api/types';
import { Link } from '../../lib/router';
import { useApi } from '../../lib/session';
import { usePolling } from '../../lib/use-polling';
import { deliveryMoving } from './DeliveriesTable';
import { DeliveryStatusBadge } from './WebhookBadges';

interface Row {
  endpoint: WebhookEndpoint;
  delivery: WebhookDelivery;
}

const CONCURRENCY = 4;
// Events fire when the run finishes and become deliveries a moment later: look often until then.
const SETTLING_MS = 30_000;

/**
 * The webhook deliveries a run caused, across the workspace's endpoints (the delivery log is kept per
 * endpoint; `resourceId` picks the run's), each linking to its detail.
 */
export function RunDeliveries({ run }: { run: ClassifyRun }) {
  const api = useApi();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [endpointCount, setEndpointCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const finished = run.status !== 'PENDING' && run.status !== 'PROCESSING';
  const settling = !finished || Date.now() - Date.parse(run.updatedAt) < SETTLING_MS;
  const moving = settling || Boolean(rows?.some((r) => deliveryMoving(r.delivery)));

  usePolling(
    async (quiet) => {
      const mine = ++generation.current;
      if (!quiet) setRows(null);
      try {
        // A workspace has a handful of endpoints; a second page would be unusual.
        const endpoints = (await api.listWebhookEndpoints({ maxPageSize: 100 })).data;
        const found: Row[] = [];
        let next = 0;
        const worker = async () => {
          while (next < endpoints.length) {
            const endpoint = endpoints[next++]!;
            const list = await api.listWebhookDeliveries(endpoint.id, {
              resourceId: run.id,
              maxPageSize: 20,
            });
            for (const delivery of list.data) found.push({ endpoint, delivery });
          }
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, endpoints.length) }, worker));
        if (mine !== generation.current) return;
        found.sort((a, b) => a.delivery.createdAt.localeCompare(b.delivery.createdAt));
        setRows(found);
        setEndpointCount(endpoints.length);
        setError(null);
      } catch (err) {
        if (mine === generation.current) setError(errorMessage(err));
      }
    },
    moving ? 2000 : 15_000,
    run.id,
  );

  return (
    <Stack gap={4} component="section" aria-label="Webhook deliveries">
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        Webhook deliveries
      </Text>
      {error && (
        <Text size="xs" c="red" role="alert">
          Could not load the deliveries: {error}
        </Text>
      )}
      {!rows && !error && (
        <Text size="xs" c="dimmed">
          Loading…
        </Text>
      )}
      {rows?.length === 0 && (
        <Text size="xs" c="dimmed">
          {endpointCount === 0 ? (
            <>
              None: no webhook endpoint is set up.{' '}
              <Link to="/webhooks" size="xs">
                Add one
              </Link>{' '}
              to be told when a run finishes.
            </>
          ) : finished ? (
            'None: no endpoint listens for this run’s events.'
          ) : (
            'Events are sent when the run finishes.'
          )}
        </Text>
      )}
      {rows?.map(({ endpoint, delivery }) => (
        <Group key={delivery.id} gap={6} wrap="nowrap" justify="space-between" data-delivery-id={delivery.id}>
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Link
              to={`/webhooks/${encodeURIComponent(endpoint.id)}/deliveries/${encodeURIComponent(delivery.id)}`}
              size="xs"
              aria-label={`${delivery.eventType} to ${endpoint.name}: ${delivery.status}`}
            >
              {delivery.eventType}
            </Link>
            <Text size="xs" c="dimmed" truncate="end" title={endpoint.url}>
              to {endpoint.name} · {delivery.attemptCount}{' '}
              {delivery.attemptCount === 1 ? 'attempt' : 'attempts'}
            </Text>
          </Stack>
          <DeliveryStatusBadge status={delivery.status} />
        </Group>
      ))}
    </Stack>
  );
}
