import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { WebhookEndpoint } from '../../api/types';
import { navigate } from '../../lib/router';
import { useApi } from '../../lib/session';
import type { ShownSecret } from './SigningSecretModal';

type Dialog = 'rotate' | 'replay' | 'delete' | null;

/** `datetime-local` wants local time without a zone: 24 hours ago, to the minute. */
function dayAgoLocal(now = new Date()): string {
  const d = new Date(now.getTime() - 86_400_000 - now.getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** Enable or disable, rotate the secret, replay failures, delete: each through the API. */
export function EndpointActions({
  endpoint,
  onEdit,
  onUpdated,
  onSecret,
  onReplayed,
}: {
  endpoint: WebhookEndpoint;
  onEdit: () => void;
  onUpdated: (e: WebhookEndpoint) => void;
  onSecret: (s: ShownSecret) => void;
  onReplayed: (message: string) => void;
}) {
  const api = useApi();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [since, setSince] = useState(dayAgoLocal);
  const enabled = endpoint.status === 'enabled';

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setDialog(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const open = (d: Dialog) => {
    setError(null);
    setDialog(d);
  };

  const toggle = () =>
    run(async () => {
      onUpdated(await api.updateWebhookEndpoint(endpoint.id, { status: enabled ? 'disabled' : 'enabled' }));
    });
  const rotate = () =>
    run(async () => {
      const r = await api.rotateWebhookSecret(endpoint.id);
      const { signingSecret, previousSecretExpiresAt, ...rest } = r;
      onUpdated(rest);
      onSecret({
        endpointName: rest.name,
        secret: signingSecret,
        previousExpiresAt: previousSecretExpiresAt,
      });
    });
  const replay = () =>
    run(async () => {
      const at = new Date(since);
      if (Number.isNaN(at.getTime())) throw new Error('Choose a date and time to replay from.');
      const r = await api.replayWebhookEndpoint(endpoint.id, at.toISOString());
      onReplayed(
        r.requeued === 0
          ? 'No failed or exhausted deliveries since then: nothing to replay.'
          : `${r.requeued} ${r.requeued === 1 ? 'delivery' : 'deliveries'} queued to be sent again.`,
      );
    });
  const remove = () =>
    run(async () => {
      await api.deleteWebhookEndpoint(endpoint.id);
      navigate('/webhooks');
    });

  return (
    <>
      <Group gap="xs">
        <Button variant="default" size="xs" onClick={onEdit}>
          Edit
        </Button>
        <Button variant="default" size="xs" onClick={() => void toggle()} loading={busy && dialog === null}>
          {enabled ? 'Disable' : 'Enable'}
        </Button>
        <Button variant="default" size="xs" onClick={() => open('rotate')}>
          Rotate secret
        </Button>
        <Button
          variant="default"
          size="xs"
          onClick={() => open('replay')}
          disabled={!enabled}
          title={enabled ? undefined : 'Enable the endpoint first'}
        >
          Replay failures
        </Button>
        <Button variant="light" color="red" size="xs" onClick={() => open('delete')}>
          Delete
        </Button>
      </Group>
      {error && dialog === null && (
        <Alert color="red" title="The API refused" role="alert" mt="xs">
          {error}
        </Alert>
      )}

      <Confirm
        opened={dialog === 'rotate'}
        title="Rotate the signing secret?"
        confirm="Rotate secret"
        busy={busy}
        error={error}
        onConfirm={() => void rotate()}
        onCancel={() => setDialog(null)}
      >
        Docsort makes a new secret and shows it once. The current one keeps signing deliveries beside the new
        one for 24 hours, so you can update your receiver without losing a delivery.
      </Confirm>

      <Confirm
        opened={dialog === 'replay'}
        title="Replay failed deliveries"
        confirm="Replay"
        busy={busy}
        error={error}
        onConfirm={() => void replay()}
        onCancel={() => setDialog(null)}
      >
        <Stack gap="xs">
          <Text size="sm">
            Every delivery of this endpoint that failed or ran out of attempts since this time is sent again
            now, with the same eventId and a fresh retry schedule.
          </Text>
          <TextInput
            label="Since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.currentTarget.value)}
            w={240}
          />
        </Stack>
      </Confirm>

      <Confirm
        opened={dialog === 'delete'}
        title={`Delete “${endpoint.name}”?`}
        confirm="Delete endpoint"
        danger
        busy={busy}
        error={error}
        onConfirm={() => void remove()}
        onCancel={() => setDialog(null)}
      >
        Its subscriptions, signing secrets and whole delivery log are deleted with it, and waiting deliveries
        are never sent. This cannot be undone; disable it instead to pause deliveries.
      </Confirm>
    </>
  );
}

function Confirm({
  opened,
  title,
  confirm,
  danger,
  busy,
  error,
  onConfirm,
  onCancel,
  children,
}: {
  opened: boolean;
  title: string;
  confirm: string;
  danger?: boolean;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onCancel} title={title} size="md">
      <Stack gap="sm">
        <div>{typeof children === 'string' ? <Text size="sm">{children}</Text> : children}</div>
        {error && (
          <Alert color="red" title="The API refused" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button color={danger ? 'red' : undefined} onClick={onConfirm} loading={busy}>
            {confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
