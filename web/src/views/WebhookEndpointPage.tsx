import { Alert, Code, DataList, Drawer, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import type { WebhookEndpoint } from '../api/types';
import { LoadFailure } from '../components/LoadFailure';
import { DeliveriesTable } from '../components/webhooks/DeliveriesTable';
import { DeliveryDetail } from '../components/webhooks/DeliveryDetail';
import { EndpointActions } from '../components/webhooks/EndpointActions';
import { EndpointForm } from '../components/webhooks/EndpointForm';
import { type ShownSecret, SigningSecretModal } from '../components/webhooks/SigningSecretModal';
import { EndpointStatusBadge, EventBadges } from '../components/webhooks/WebhookBadges';
import { formatTime } from '../lib/format';
import { Link, navigate, useLocation } from '../lib/router';
import { useApi } from '../lib/session';
import { usePolling } from '../lib/use-polling';
import { SENT_EVENT_TYPES } from '../lib/webhook-events';

/**
 * `/webhooks/wh_...`: an endpoint, its settings and its delivery log;
 * `/webhooks/wh_.../deliveries/whd_...` opens one delivery in a drawer over it.
 */
export function WebhookEndpointPage({
  endpointId,
  deliveryId,
}: {
  endpointId: string;
  deliveryId: string | null;
}) {
  const api = useApi();
  const { search } = useLocation();
  const [endpoint, setEndpoint] = useState<WebhookEndpoint | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const base = `/webhooks/${encodeURIComponent(endpointId)}`;
  const qs = search.toString() ? `?${search.toString()}` : '';

  // Docsort changes an endpoint by itself too (failing since, disabled on 410 Gone): keep it current.
  const reload = usePolling(
    async () => {
      try {
        setEndpoint(await api.getWebhookEndpoint(endpointId));
        setError(null);
      } catch (err) {
        setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 });
      }
    },
    5000,
    endpointId,
  );
  const changed = () => {
    setRefreshKey((k) => k + 1);
    reload();
  };

  const drawer = (
    <Drawer
      opened={deliveryId !== null}
      onClose={() => navigate(`${base}${qs}`)}
      position="right"
      size={760}
      title="Webhook delivery"
    >
      {deliveryId && (
        <DeliveryDetail key={deliveryId} deliveryId={deliveryId} endpoint={endpoint} onChanged={changed} />
      )}
    </Drawer>
  );

  if (error && !endpoint) {
    return (
      <LoadFailure
        error={error}
        notFoundTitle="Webhook endpoint not found"
        failedTitle="Could not load the webhook endpoint"
        back={{ to: '/webhooks', label: 'Back to webhooks' }}
      />
    );
  }
  if (!endpoint) return <Loader aria-label="Loading the webhook endpoint" />;

  const options = endpoint.advancedOptions;
  const headerNames = Object.keys(options?.headers ?? {});

  return (
    <Stack gap="md">
      <Group justify="space-between" align="start">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Link to="/webhooks" size="sm">
              Webhooks
            </Link>
            <Text size="sm" c="dimmed">
              /
            </Text>
            <Title order={2} size="h3" style={{ overflowWrap: 'anywhere' }}>
              {endpoint.name}
            </Title>
            <EndpointStatusBadge endpoint={endpoint} />
          </Group>
          <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
            {endpoint.url}
          </Text>
        </Stack>
        {!editing && (
          <EndpointActions
            endpoint={endpoint}
            onEdit={() => setEditing(true)}
            onUpdated={(e) => {
              setEndpoint(e);
              setNotice(null);
            }}
            onSecret={setSecret}
            onReplayed={(message) => {
              setNotice(message);
              changed();
            }}
          />
        )}
      </Group>

      {endpoint.status === 'disabled' && (
        <Alert color="gray" title="Disabled: nothing is sent" role="status">
          {endpoint.disabledReason ?? 'Disabled by a person.'} Deliveries that were waiting are sent when it
          is enabled again.
        </Alert>
      )}
      {endpoint.status === 'enabled' && endpoint.failingSince && (
        <Alert color="orange" title="Deliveries are failing" role="status">
          No delivery has succeeded since {formatTime(endpoint.failingSince)}. Docsort disables an endpoint
          that fails for 5 days without a success.
        </Alert>
      )}
      {notice && (
        <Text size="sm" c="teal" role="status">
          {notice}
        </Text>
      )}

      {editing ? (
        <Paper withBorder p="md" component="section" aria-label="Edit webhook endpoint">
          <Title order={3} size="h5" mb="sm">
            Edit endpoint
          </Title>
          <EndpointForm
            endpoint={endpoint}
            onCancel={() => setEditing(false)}
            onSubmit={async (input) => {
              setEndpoint(await api.updateWebhookEndpoint(endpoint.id, input));
              setEditing(false);
            }}
          />
        </Paper>
      ) : (
        <Paper withBorder p="sm" component="section" aria-label="Endpoint settings">
          <DataList labelWidth="130px" size="sm" gap={6}>
            <DataList.Item>
              <DataList.ItemLabel>Events</DataList.ItemLabel>
              <DataList.ItemValue>
                <EventBadges events={endpoint.enabledEvents} max={12} />
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Extra headers</DataList.ItemLabel>
              <DataList.ItemValue>
                {headerNames.length
                  ? headerNames.map((h) => (
                      <Code key={h} mr={4}>
                        {h}
                      </Code>
                    ))
                  : 'none'}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Payload</DataList.ItemLabel>
              <DataList.ItemValue>
                {options?.payload?.format === 'url' ? 'a signed link to it' : 'the whole object in the body'}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Created</DataList.ItemLabel>
              <DataList.ItemValue>
                {formatTime(endpoint.createdAt)} · <Code>{endpoint.id}</Code> · API version{' '}
                {endpoint.apiVersion}
              </DataList.ItemValue>
            </DataList.Item>
          </DataList>
        </Paper>
      )}

      <Stack gap="xs" component="section" aria-label="Delivery log">
        <Title order={3} size="h4">
          Deliveries
        </Title>
        <DeliveriesTable
          endpointId={endpoint.id}
          eventTypes={[...new Set([...endpoint.enabledEvents, ...SENT_EVENT_TYPES])]}
          search={search}
          refreshKey={refreshKey}
        />
      </Stack>
      {drawer}
      <SigningSecretModal shown={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
