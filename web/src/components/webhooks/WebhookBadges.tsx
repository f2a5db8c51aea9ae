import { Badge, Group, Text } from '@mantine/core';
import type { DeliveryStatus, WebhookEndpoint } from '../../api/types';

const DELIVERY: Record<DeliveryStatus, { color: string; title: string }> = {
  pending: { color: 'blue', title: 'Waiting to be sent' },
  failed: { color: 'orange', title: 'The last attempt failed; Docsort will try again' },
  succeeded: { color: 'green', title: 'The receiver answered 2xx' },
  exhausted: { color: 'red', title: 'Every attempt failed; Docsort has stopped trying' },
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const d = DELIVERY[status];
  return (
    <Badge color={d.color} variant="light" title={d.title} aria-label={`delivery ${status}`}>
      {status}
    </Badge>
  );
}

export function EndpointStatusBadge({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.status === 'disabled') {
    return (
      <Badge color="gray" variant="filled" title={endpoint.disabledReason ?? 'Disabled by a person'}>
        disabled
      </Badge>
    );
  }
  if (endpoint.failingSince) {
    return (
      <Badge color="orange" variant="light" title={`Deliveries failing since ${endpoint.failingSince}`}>
        enabled · failing
      </Badge>
    );
  }
  return (
    <Badge color="green" variant="light">
      enabled
    </Badge>
  );
}

/** The HTTP status of an attempt: green for 2xx, red otherwise; a dash when no answer came. */
export function StatusCode({ code }: { code: number | null }) {
  if (code === null) {
    return (
      <Badge color="gray" variant="outline" title="No HTTP answer (see the error)">
        none
      </Badge>
    );
  }
  return (
    <Badge color={code >= 200 && code <= 299 ? 'green' : 'red'} variant="outline">
      {code}
    </Badge>
  );
}

/** An endpoint's event types, the first few as badges. */
export function EventBadges({ events, max = 3 }: { events: string[]; max?: number }) {
  if (events.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        none (subscriptions only)
      </Text>
    );
  }
  const shown = events.slice(0, max);
  return (
    <Group gap={4}>
      {shown.map((e) => (
        <Badge key={e} variant="outline" color="gray" size="sm" tt="none">
          {e}
        </Badge>
      ))}
      {events.length > max && (
        <Badge variant="light" color="gray" size="sm" tt="none" title={events.slice(max).join(', ')}>
          +{events.length - max} more
        </Badge>
      )}
    </Group>
  );
}
