import type { Selectable } from 'kysely';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { Executor } from '../store/database.js';
import { fingerprint, type PageRequest, pageResult, paginate } from '../store/pagination.js';
import type { Database } from '../store/schema.js';
import { SEALED } from '../store/sealed-columns.js';
import { newSigningSecret } from '../webhooks/signing.js';
import type { Actor, CoreDeps } from './context.js';
import type { CreateWebhookEndpointRequest, UpdateWebhookEndpointRequest } from './webhook-schemas.js';
import { webhookEndpointObject } from './webhook-serialize.js';

export type EndpointRow = Selectable<Database['webhook_endpoints']>;

/** How long a rotated-out secret keeps signing (Standard Webhooks header) next to the new one. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

export async function findEndpoint(ex: Executor, actor: Actor, id: string): Promise<EndpointRow | null> {
  return (
    (await ex
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', actor.workspaceId)
      .executeTakeFirst()) ?? null
  );
}

export async function getEndpointRow(ex: Executor, actor: Actor, id: string): Promise<EndpointRow> {
  const row = await findEndpoint(ex, actor, id);
  if (!row) throw notFound('Webhook endpoint', id);
  return row;
}

/** SSRF check at registration: the same policy every delivery is held to (spec §6; issue 3). */
async function assertDeliverableUrl(deps: CoreDeps, url: string): Promise<void> {
  const problem = await deps.webhookSender.checkUrl(url);
  if (problem) throw invalid(`url cannot receive webhooks: ${problem}`, 'url');
}

/** Signing needs the secret itself (not a hash), so it is stored sealed: a copy of the database does not give it away. */
const secretRow = (deps: CoreDeps, endpointId: string, secret: string, iso: string) => ({
  id: newId('webhookSecret'),
  endpoint_id: endpointId,
  secret: deps.secrets.seal(secret, SEALED.webhookSecret),
  created_at: iso,
  expires_at: null,
});

const unique = (events: readonly string[]): string[] => [...new Set(events)];

export async function createWebhookEndpoint(
  deps: CoreDeps,
  actor: Actor,
  body: CreateWebhookEndpointRequest,
) {
  await assertDeliverableUrl(deps, body.url);
  const iso = deps.clock.now().toISOString();
  const row: EndpointRow = {
    id: newId('webhookEndpoint'),
    workspace_id: actor.workspaceId,
    url: body.url,
    name: body.name,
    status: body.status ?? 'enabled',
    enabled_events: JSON.stringify(unique(body.enabledEvents)),
    api_version: body.apiVersion,
    advanced_options: body.advancedOptions ? JSON.stringify(body.advancedOptions) : null,
    disabled_reason: null,
    failing_since: null,
    created_by: JSON.stringify({ type: 'api_key', name: actor.keyName }),
    created_at: iso,
    updated_at: iso,
  };
  const secret = newSigningSecret();
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('webhook_endpoints').values(row).execute();
    await trx
      .insertInto('webhook_secrets')
      .values(secretRow(deps, row.id, secret, iso))
      .execute();
  });
  // The only time the secret leaves the server (WebhookEndpointCreate).
  return { ...webhookEndpointObject(row), signingSecret: secret };
}

export async function getWebhookEndpoint(deps: CoreDeps, actor: Actor, id: string) {
  return webhookEndpointObject(await getEndpointRow(deps.db, actor, id));
}

export async function listWebhookEndpoints(
  deps: CoreDeps,
  actor: Actor,
  q: PageRequest & { status?: 'enabled' | 'disabled' | undefined },
) {
  const fp = fingerprint(['webhook_endpoints', actor.workspaceId, q.status ?? null, q.sortDir]);
  let query = deps.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId);
  if (q.status) query = query.where('status', '=', q.status);
  const rows = await paginate(query, 'webhook_endpoints', 'created_at', q, fp).execute();
  return pageResult(rows, q, (r) => r.created_at, fp, webhookEndpointObject);
}

/**
 * Partial update; apiVersion stays as created. Enabling an endpoint clears what Docsort recorded
 * when it disabled it, and deliveries that were waiting resume.
 */
export async function updateWebhookEndpoint(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  body: UpdateWebhookEndpointRequest,
) {
  if (body.url !== undefined) await assertDeliverableUrl(deps, body.url);
  return deps.db.transaction().execute(async (trx) => {
    const row = await getEndpointRow(trx, actor, id);
    const next: EndpointRow = { ...row, updated_at: deps.clock.now().toISOString() };
    if (body.url !== undefined) next.url = body.url;
    if (body.name !== undefined) next.name = body.name;
    if (body.enabledEvents !== undefined) next.enabled_events = JSON.stringify(unique(body.enabledEvents));
    if (body.advancedOptions !== undefined) {
      next.advanced_options = body.advancedOptions === null ? null : JSON.stringify(body.advancedOptions);
    }
    if (body.status !== undefined && body.status !== row.status) {
      next.status = body.status;
      next.disabled_reason = null;
      if (body.status === 'enabled') next.failing_since = null;
    }
    await trx
      .updateTable('webhook_endpoints')
      .set({
        url: next.url,
        name: next.name,
        enabled_events: next.enabled_events,
        advanced_options: next.advanced_options,
        status: next.status,
        disabled_reason: next.disabled_reason,
        failing_since: next.failing_since,
        updated_at: next.updated_at,
      })
      .where('id', '=', id)
      .execute();
    return webhookEndpointObject(next);
  });
}

/** Deletes the endpoint with its subscriptions (spec §6.1), secrets and delivery log. */
export async function deleteWebhookEndpoint(deps: CoreDeps, actor: Actor, id: string) {
  await deps.db.transaction().execute(async (trx) => {
    await getEndpointRow(trx, actor, id);
    await trx.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).execute();
    await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
    await trx.deleteFrom('webhook_subscriptions').where('endpoint_id', '=', id).execute();
    await trx.deleteFrom('webhook_secrets').where('endpoint_id', '=', id).execute();
    await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
  });
  return { id };
}

/**
 * A Docsort extension (Extend rotates by delete and recreate). The new secret signs everything from now
 * on; secrets it replaces keep signing (Standard Webhooks header only) for 24 hours.
 */
export async function rotateWebhookSecret(deps: CoreDeps, actor: Actor, id: string) {
  const now = deps.clock.now();
  const iso = now.toISOString();
  const until = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
  const secret = newSigningSecret();
  const row = await deps.db.transaction().execute(async (trx) => {
    const endpoint = await getEndpointRow(trx, actor, id);
    await trx
      .updateTable('webhook_secrets')
      .set({ expires_at: until })
      .where('endpoint_id', '=', id)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)]))
      .execute();
    await trx
      .insertInto('webhook_secrets')
      .values(secretRow(deps, id, secret, iso))
      .execute();
    return endpoint;
  });
  return { ...webhookEndpointObject(row), signingSecret: secret, previousSecretExpiresAt: until };
}

/** The secrets that sign a delivery at `now`, newest first. */
export async function validSecrets(
  box: SecretBox,
  ex: Executor,
  endpointId: string,
  now: Date,
): Promise<string[]> {
  const rows = await ex
    .selectFrom('webhook_secrets')
    .select(['secret', 'expires_at', 'created_at'])
    .where('endpoint_id', '=', endpointId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
    .execute();
  // The current secret is the one without an expiry (a rotation gives every other one an end).
  const rank = (r: (typeof rows)[number]) => `${r.expires_at === null ? 1 : 0}${r.created_at}`;
  return rows
    .sort((a, b) => rank(b).localeCompare(rank(a)))
    .map((r) => box.open(r.secret, SEALED.webhookSecret));
}

/** Refuses work on a disabled endpoint with a message saying how to enable it. */
export function assertEnabled(endpoint: EndpointRow): void {
  if (endpoint.status !== 'enabled') {
    const why = endpoint.disabled_reason ? ` (${endpoint.disabled_reason})` : '';
    throw invalid(
      `Webhook endpoint ${endpoint.id} is disabled${why}; enable it with POST /webhook_endpoints/${endpoint.id} {"status": "enabled"} first`,
    );
  }
}
