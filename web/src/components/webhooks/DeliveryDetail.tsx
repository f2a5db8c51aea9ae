import {
  Alert,
  Button,
  Code,
  CopyButton,
  DataList,
  Group,
  Loader,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useRef, useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import type { WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint } from '../../api/types';
import { formatTimeSeconds, untilTime } from '../../lib/format';
import { Link } from '../../lib/router';
import { useApi } from '../../lib/session';
import { usePolling } from '../../lib/use-polling';
import { resourcePath } from '../../lib/webhook-events';
import { deliveryMoving } from './DeliveriesTable';
import { DeliveryStatusBadge, StatusCode } from './WebhookBadges';

/** The body as the receiver reads it, indented; as sent when it is not JSON. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/**
 * One delivery: what it sends (URL, headers, body) and every attempt with its answer. Retry sends it
 * again now; on a delivered one the same button replays it (same eventId, so receivers that
 * deduplicate on it ignore the copy).
 */
export function DeliveryDetail({
  deliveryId,
  endpoint,
  onChanged,
}: {
  deliveryId: string;
  endpoint: WebhookEndpoint | null;
  /** The delivery changed through this view (retry): lists showing it should refresh. */
  onChanged: () => void;
}) {
  const api = useApi();
  const [delivery, setDelivery] = useState<WebhookDeliveryDetail | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sentAt, setSentAt] = useState<number | null>(null);
  const attempts = useRef<number | null>(null);

  const moving = delivery ? deliveryMoving(delivery) : false;
  const refresh = usePolling(
    async () => {
      try {
        const d = await api.getWebhookDelivery(deliveryId);
        // Tell the list when a new attempt has been recorded.
        if (attempts.current !== null && attempts.current !== d.attemptCount) onChanged();
        attempts.current = d.attemptCount;
        setDelivery(d);
        setError(null);
      } catch (err) {
        setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 });
      }
    },
    moving ? 1000 : 5000,
    deliveryId,
  );

  const retry = async () => {
    setBusy(true);
    setActionError(null);
    try {
      const d: WebhookDelivery = await api.retryWebhookDelivery(deliveryId);
      setDelivery((prev) => (prev ? { ...prev, ...d } : prev));
      setSentAt(Date.now());
      onChanged();
      refresh();
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (error && !delivery) {
    return (
      <Alert
        color="red"
        title={error.notFound ? 'Delivery not found' : 'Could not load the delivery'}
        role="alert"
      >
        {error.message}
      </Alert>
    );
  }
  if (!delivery) return <Loader aria-label="Loading the delivery" />;

  const subject = resourcePath(delivery.resourceId);
  const disabled = endpoint?.status === 'disabled';
  const delivered = delivery.status === 'succeeded';
  const { request } = delivery;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="start" wrap="nowrap">
        <Stack gap={4}>
          <Group gap="xs">
            <Title order={3} size="h4">
              {delivery.eventType}
            </Title>
            <DeliveryStatusBadge status={delivery.status} />
          </Group>
          <Text size="xs" c="dimmed">
            delivery <Code>{delivery.id}</Code> · event <Code>{delivery.eventId}</Code>
          </Text>
        </Stack>
        <Stack gap={4} align="flex-end">
          <Button
            onClick={() => void retry()}
            loading={busy}
            disabled={disabled}
            variant={delivered ? 'default' : 'filled'}
            title={
              delivered
                ? 'Send this event to the endpoint again now, with the same eventId'
                : 'Send it now instead of waiting for the next scheduled attempt'
            }
          >
            {delivered ? 'Replay' : 'Retry now'}
          </Button>
          {disabled && (
            <Text size="xs" c="dimmed">
              Enable the endpoint to send again.
            </Text>
          )}
        </Stack>
      </Group>
      {actionError && (
        <Alert color="red" title="Not sent again" role="alert">
          {actionError}
        </Alert>
      )}
      {sentAt !== null && !actionError && (
        <Text size="sm" c={moving ? 'blue' : 'teal'} role="status">
          {moving
            ? 'Queued: the new attempt appears below in a moment.'
            : `Sent again: ${delivery.status === 'succeeded' ? 'delivered' : `the receiver answered ${delivery.lastStatusCode ?? 'nothing'}`}.`}
        </Text>
      )}

      <DataList labelWidth="140px" size="sm" gap={6} aria-label="Delivery summary">
        <DataList.Item>
          <DataList.ItemLabel>Subject</DataList.ItemLabel>
          <DataList.ItemValue>
            {subject && delivery.resourceId ? (
              <Link to={subject} size="sm" ff="monospace">
                {delivery.resourceId}
              </Link>
            ) : (
              <Text size="sm" ff="monospace">
                {delivery.resourceId ?? '—'}
              </Text>
            )}
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Attempts</DataList.ItemLabel>
          <DataList.ItemValue>{delivery.attemptCount}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Next attempt</DataList.ItemLabel>
          <DataList.ItemValue>
            {delivery.nextAttemptAt
              ? `${formatTimeSeconds(delivery.nextAttemptAt)} (${untilTime(delivery.nextAttemptAt)})`
              : delivery.status === 'exhausted'
                ? 'none: every scheduled attempt failed'
                : 'none'}
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Created</DataList.ItemLabel>
          <DataList.ItemValue>{formatTimeSeconds(delivery.createdAt)}</DataList.ItemValue>
        </DataList.Item>
      </DataList>

      <Stack gap="xs" component="section" aria-label="Attempts">
        <Title order={4} size="h5">
          Attempts
        </Title>
        {delivery.attempts.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not sent yet.
          </Text>
        ) : (
          <Table aria-label="Attempts" verticalSpacing={6} layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36}>#</Table.Th>
                <Table.Th w={180}>Time</Table.Th>
                <Table.Th w={80}>Status</Table.Th>
                <Table.Th w={84}>Duration</Table.Th>
                <Table.Th>Response and error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {delivery.attempts.map((a, i) => (
                <Table.Tr key={a.id} data-attempt={i + 1}>
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatTimeSeconds(a.attemptedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusCode code={a.statusCode} />
                  </Table.Td>
                  <Table.Td>{a.latencyMs} ms</Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      {a.error && (
                        <Text size="sm" c="red" style={{ overflowWrap: 'anywhere' }}>
                          {a.error}
                        </Text>
                      )}
                      {a.responseBody ? (
                        <Code block style={{ maxHeight: 120, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
                          {a.responseBody}
                        </Code>
                      ) : (
                        a.statusCode !== null && (
                          <Text size="xs" c="dimmed">
                            empty response body
                          </Text>
                        )
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>

      <Stack gap="xs" component="section" aria-label="Request">
        <Title order={4} size="h5">
          Request
        </Title>
        <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          <b>{request.method}</b> {request.url}
        </Text>
        <Table aria-label="Request headers" verticalSpacing={2} fz="sm" layout="fixed">
          <Table.Tbody>
            {Object.entries(request.headers).map(([name, value]) => (
              <Table.Tr key={name}>
                <Table.Td w={260} ff="monospace">
                  {name}
                </Table.Td>
                <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {value}
                </Table.Td>
              </Table.Tr>
            ))}
            {request.perAttemptHeaders.map((name) => (
              <Table.Tr key={name}>
                <Table.Td ff="monospace">{name}</Table.Td>
                <Table.Td c="dimmed">signed afresh at each attempt</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {request.payloadFormat === 'signed_data_url' && (
          <Alert color="blue" variant="light">
            This endpoint receives the payload as a signed link (
            <Code>{'{"object": "signed_data_url", "data": "https://…"}'}</Code>
            ), valid for one hour after each attempt. The payload behind it is shown here.
          </Alert>
        )}
        {request.body === null ? (
          <Text size="sm" c="dimmed">
            The event of this delivery no longer exists.
          </Text>
        ) : (
          <Stack gap={4}>
            <Group justify="space-between">
              <Text size="sm" fw={500}>
                Body
              </Text>
              <CopyButton value={request.body}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="subtle" onClick={copy}>
                    {copied ? 'Copied' : 'Copy raw body'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <ScrollArea.Autosize mah={420} type="auto">
              <Code
                block
                aria-label="Request body"
                fz="xs"
                style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
              >
                {pretty(request.body)}
              </Code>
            </ScrollArea.Autosize>
          </Stack>
        )}
        {endpoint && (
          <Text size="xs" c="dimmed">
            URL and headers as the endpoint is configured now: what the next attempt sends.
          </Text>
        )}
      </Stack>
    </Stack>
  );
}
