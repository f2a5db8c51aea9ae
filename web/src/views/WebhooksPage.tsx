import {
  Alert,
  Button,
  Code,
  EmptyState,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import type { WebhookEndpoint } from '../api/types';
import { EndpointForm } from '../components/webhooks/EndpointForm';
import { type ShownSecret, SigningSecretModal } from '../components/webhooks/SigningSecretModal';
import { EndpointStatusBadge, EventBadges } from '../components/webhooks/WebhookBadges';
import { formatTime, relativeTime } from '../lib/format';
import { Link } from '../lib/router';
import { useApi } from '../lib/session';

const PAGE_SIZE = 50;

/** `/webhooks`: the workspace's endpoints, and the form that adds one. */
export function WebhooksPage() {
  const api = useApi();
  const [list, setList] = useState<WebhookEndpoint[] | null>(null);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ShownSecret | null>(null);

  useEffect(() => {
    api
      .listWebhookEndpoints({ maxPageSize: PAGE_SIZE })
      .then((l) => {
        setList(l.data);
        setNext(l.nextPageToken);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [api]);

  const more = async () => {
    try {
      const l = await api.listWebhookEndpoints({ maxPageSize: PAGE_SIZE, nextPageToken: next });
      setList((prev) => [...(prev ?? []), ...l.data]);
      setNext(l.nextPageToken);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Webhooks</Title>
        {!creating && list && list.length > 0 && (
          <Button onClick={() => setCreating(true)}>Add an endpoint</Button>
        )}
      </Group>
      {creating && (
        <Paper withBorder p="md" component="section" aria-label="New webhook endpoint">
          <Title order={3} size="h5" mb="sm">
            New webhook endpoint
          </Title>
          <EndpointForm
            endpoint={null}
            onCancel={() => setCreating(false)}
            onSubmit={async (input) => {
              const created = await api.createWebhookEndpoint(input);
              const { signingSecret, ...endpoint } = created;
              setList((prev) => [endpoint, ...(prev ?? [])]);
              setCreating(false);
              setSecret({ endpointName: endpoint.name, secret: signingSecret });
            }}
          />
        </Paper>
      )}
      {error && (
        <Alert color="red" title="Could not load the webhook endpoints" role="alert">
          {error}
        </Alert>
      )}
      {!list && !error && <Loader aria-label="Loading webhook endpoints" />}
      {list?.length === 0 && !creating && (
        <EmptyState
          title="No webhook endpoints yet"
          description={
            // EmptyState puts the description in a <p>: block spans, not paragraphs, inside it.
            <Text span display="block" maw={620} mx="auto" size="sm">
              <Text span display="block" size="sm">
                A webhook endpoint is a URL of yours that Docsort calls when something happens: a run is
                classified or fails, a classifier is published. Your system learns about it at once instead of
                asking again and again.
              </Text>
              <Text span display="block" size="sm" mt={6}>
                Add one here, or with <Code>POST /webhook_endpoints</Code> (the <Code>extend-ai</Code>{' '}
                SDK&apos;s <Code>webhookEndpoints.create</Code> works unchanged). Each delivery is signed,
                retried when your server fails, and logged here with every attempt.
              </Text>
            </Text>
          }
        >
          <Button onClick={() => setCreating(true)}>Add an endpoint</Button>
        </EmptyState>
      )}
      {list && list.length > 0 && (
        <Table highlightOnHover aria-label="Webhook endpoints" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>URL</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Events</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((e) => (
              <Table.Tr key={e.id} data-endpoint-id={e.id}>
                <Table.Td>
                  <Link to={`/webhooks/${e.id}`}>{e.name}</Link>
                </Table.Td>
                <Table.Td maw={360} style={{ overflowWrap: 'anywhere' }}>
                  <Text size="sm" ff="monospace">
                    {e.url}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <EndpointStatusBadge endpoint={e} />
                </Table.Td>
                <Table.Td>
                  <EventBadges events={e.enabledEvents} />
                </Table.Td>
                <Table.Td title={formatTime(e.createdAt)}>
                  <Text size="sm">{relativeTime(e.createdAt)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {next && (
        <Button variant="default" onClick={() => void more()}>
          Load more
        </Button>
      )}
      <SigningSecretModal shown={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
