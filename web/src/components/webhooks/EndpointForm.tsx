import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Divider,
  Group,
  Input,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import type { WebhookAdvancedOptions, WebhookEndpoint, WebhookEndpointInput } from '../../api/types';
import { type FieldError, splitApiPath } from '../../lib/config-errors';
import { DEFAULT_EVENTS, EVENT_GROUPS, SENT_EVENT_TYPES } from '../../lib/webhook-events';

interface HeaderRow {
  name: string;
  value: string;
}

interface Form {
  name: string;
  url: string;
  events: string[];
  headers: HeaderRow[];
  payloadFormat: 'json' | 'url';
}

function toForm(e: WebhookEndpoint | null): Form {
  if (!e) return { name: '', url: '', events: DEFAULT_EVENTS, headers: [], payloadFormat: 'json' };
  return {
    name: e.name,
    url: e.url,
    events: e.enabledEvents,
    headers: Object.entries(e.advancedOptions?.headers ?? {}).map(([name, value]) => ({ name, value })),
    payloadFormat: e.advancedOptions?.payload?.format ?? 'json',
  };
}

/** The advanced options the form describes, keeping what it does not edit (urlThresholdBytes). */
function toAdvanced(base: WebhookAdvancedOptions | null, f: Form): WebhookAdvancedOptions | null {
  const out: WebhookAdvancedOptions = {};
  const rows = f.headers.filter((h) => h.name.trim() || h.value);
  if (rows.length) out.headers = Object.fromEntries(rows.map((h) => [h.name.trim(), h.value]));
  if (f.payloadFormat === 'url') {
    out.payload = base?.payload?.format === 'url' ? base.payload : { format: 'url' as const };
  } else if (base?.payload) {
    out.payload = { format: 'json' };
  }
  return Object.keys(out).length ? out : null;
}

/**
 * Creates or edits an endpoint. The API validates; its message is shown beside the field its
 * `Path:` names (`url`, `name`, `enabledEvents.0`, `advancedOptions.headers.Host`, ...).
 */
export function EndpointForm({
  endpoint,
  onSubmit,
  onCancel,
}: {
  /** null: a new endpoint. */
  endpoint: WebhookEndpoint | null;
  onSubmit: (input: WebhookEndpointInput) => Promise<void>;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<Form>(() => toForm(endpoint));
  const [error, setError] = useState<FieldError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const setHeader = (i: number, patch: Partial<HeaderRow>) =>
    set({ headers: form.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });

  // Event types the endpoint has that Docsort never sends (set through the API for Extend parity).
  const otherEvents = form.events.filter((e) => !SENT_EVENT_TYPES.has(e));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const advancedOptions = toAdvanced(endpoint?.advancedOptions ?? null, form);
      await onSubmit({
        name: form.name,
        url: form.url,
        enabledEvents: form.events,
        // An edit that removes every option clears them (null); a new endpoint simply has none.
        advancedOptions: endpoint ? advancedOptions : (advancedOptions ?? undefined),
      });
    } catch (err) {
      setError(
        err instanceof ApiError ? splitApiPath(err.message) : { message: errorMessage(err), path: '' },
      );
    } finally {
      setBusy(false);
    }
  };

  const at = (path: string) => (error?.path === path ? error.message : undefined);
  const under = (prefix: string) =>
    error && (error.path === prefix || error.path.startsWith(`${prefix}.`)) ? error.message : undefined;
  const headersPath = 'advancedOptions.headers';
  const rowError = (name: string) => (name.trim() ? at(`${headersPath}.${name.trim()}`) : undefined);
  const headerRowsNamed = new Set(form.headers.map((h) => `${headersPath}.${h.name.trim()}`));
  // A message about the headers that no single row shows (too many headers, ...).
  const headersError =
    under(headersPath) && !headerRowsNamed.has(error?.path ?? '') ? error?.message : undefined;
  const shownAtAField = Boolean(
    at('url') ||
      at('name') ||
      under('enabledEvents') ||
      under(headersPath) ||
      under('advancedOptions.payload'),
  );

  return (
    // The API validates: the browser's own URL check would hide its message.
    <form onSubmit={submit} noValidate aria-label={endpoint ? 'Edit endpoint' : 'New endpoint'}>
      <Stack gap="sm">
        {error && !shownAtAField && (
          <Alert color="red" title="The API refused the endpoint" role="alert">
            {error.message}
            {error.path ? ` (at ${error.path})` : ''}
          </Alert>
        )}
        <Group align="start" grow>
          <TextInput
            label="Name"
            description="For you: shown in this list and in the delivery log"
            placeholder="e.g. Production"
            value={form.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            error={at('name')}
            withAsterisk
          />
          <TextInput
            label="URL"
            description="Docsort POSTs each event here, signed"
            placeholder="https://example.com/webhooks/docsort"
            type="url"
            value={form.url}
            onChange={(e) => set({ url: e.currentTarget.value })}
            error={at('url')}
            withAsterisk
            style={{ flexGrow: 2 }}
          />
        </Group>
        <Checkbox.Group
          label="Events"
          description="Every event of these types in the workspace is sent to this endpoint"
          value={form.events}
          onChange={(events) => set({ events })}
          error={under('enabledEvents')}
        >
          <SimpleGrid cols={{ base: 2, lg: 4 }} spacing="md" mt={6}>
            {EVENT_GROUPS.map((g) => (
              <Stack key={g.label} gap={6} role="group" aria-label={g.label}>
                <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                  {g.label}
                </Text>
                {g.events.map((ev) => (
                  <Checkbox
                    key={ev.type}
                    value={ev.type}
                    label={ev.type}
                    description={ev.description}
                    size="xs"
                  />
                ))}
              </Stack>
            ))}
            {otherEvents.length > 0 && (
              <Stack gap={6} role="group" aria-label="Other Extend events">
                <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                  Other Extend events
                </Text>
                {otherEvents.map((type) => (
                  <Checkbox
                    key={type}
                    value={type}
                    label={type}
                    description="Accepted for Extend compatibility; Docsort never sends it"
                    size="xs"
                  />
                ))}
              </Stack>
            )}
          </SimpleGrid>
        </Checkbox.Group>
        <Divider label="Optional" labelPosition="left" mt="xs" />
        <Stack gap="sm">
          <Input.Wrapper
            label="Headers added to every delivery"
            labelElement="div"
            description={
              <>
                For example an <code>authorization</code> header your receiver checks. Docsort&apos;s own
                headers (<code>content-type</code>, <code>x-extend-*</code>, <code>webhook-*</code>) cannot be
                replaced.
              </>
            }
            error={headersError}
            inputWrapperOrder={['label', 'description', 'input', 'error']}
          >
            <Stack gap={6} mt={6}>
              {form.headers.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, names change while typing
                <Group key={i} gap="xs" align="start" wrap="nowrap">
                  <TextInput
                    aria-label={`Header ${i + 1} name`}
                    placeholder="authorization"
                    value={h.name}
                    onChange={(e) => setHeader(i, { name: e.currentTarget.value })}
                    error={rowError(h.name)}
                    size="xs"
                    w={220}
                  />
                  <TextInput
                    aria-label={`Header ${i + 1} value`}
                    placeholder="Bearer …"
                    value={h.value}
                    onChange={(e) => setHeader(i, { value: e.currentTarget.value })}
                    size="xs"
                    style={{ flex: 1 }}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove header ${h.name || i + 1}`}
                    onClick={() => set({ headers: form.headers.filter((_, j) => j !== i) })}
                    mt={2}
                  >
                    ×
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button
                  variant="light"
                  size="xs"
                  onClick={() => set({ headers: [...form.headers, { name: '', value: '' }] })}
                >
                  Add a header
                </Button>
              </Group>
            </Stack>
          </Input.Wrapper>
          <Select
            label="Payload"
            description="A signed link suits receivers with a request size limit"
            data={[
              { value: 'json', label: 'The whole object in the body' },
              { value: 'url', label: 'A signed link to it (valid one hour)' },
            ]}
            value={form.payloadFormat}
            onChange={(v) => set({ payloadFormat: v === 'url' ? 'url' : 'json' })}
            allowDeselect={false}
            error={under('advancedOptions.payload')}
            w={320}
          />
        </Stack>
        <Group>
          <Button type="submit" loading={busy}>
            {endpoint ? 'Save changes' : 'Create endpoint'}
          </Button>
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
