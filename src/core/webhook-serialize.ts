import type { Selectable } from 'kysely';
import type { Database } from '../store/schema.js';
import type { WebhookAdvancedOptions } from './webhook-schemas.js';

/** Webhook rows to API objects, as extend-ai's `WebhookEndpoint` and `WebhookSubscription` declare them. */
type Row<T extends keyof Database> = Selectable<Database[T]>;

export function webhookEndpointObject(e: Row<'webhook_endpoints'>) {
  return {
    object: 'webhook_endpoint' as const,
    id: e.id,
    url: e.url,
    name: e.name,
    status: e.status,
    enabledEvents: JSON.parse(e.enabled_events) as string[],
    apiVersion: e.api_version,
    advancedOptions:
      e.advanced_options === null ? null : (JSON.parse(e.advanced_options) as WebhookAdvancedOptions),
    createdAt: e.created_at,
    createdBy: e.created_by === null ? null : (JSON.parse(e.created_by) as { type: string; name: string }),
    // Docsort extensions: why Docsort disabled the endpoint (410 Gone, or failing for 5 days), and
    // since when deliveries have been failing without a success in between.
    disabledReason: e.disabled_reason,
    failingSince: e.failing_since,
  };
}

export function webhookSubscriptionObject(s: Row<'webhook_subscriptions'>) {
  return {
    object: 'webhook_subscription' as const,
    id: s.id,
    webhookEndpointId: s.endpoint_id,
    resourceType: s.resource_type,
    resourceId: s.resource_id,
    enabledEvents: JSON.parse(s.enabled_events) as string[],
    createdAt: s.created_at,
  };
}

export function webhookAttemptObject(a: Row<'webhook_attempts'>) {
  return {
    object: 'webhook_delivery_attempt' as const,
    id: a.id,
    attemptedAt: a.attempted_at,
    statusCode: a.status_code,
    latencyMs: a.latency_ms,
    responseBody: a.response_body,
    error: a.error,
  };
}

export function webhookDeliveryObject(
  d: Row<'webhook_deliveries'>,
  attempts: Row<'webhook_attempts'>[],
  /** The event's resource (a run's `clr_...`, a classifier's `cl_...`); null when the event is gone. */
  resourceId: string | null,
) {
  return {
    object: 'webhook_delivery' as const,
    id: d.id,
    webhookEndpointId: d.endpoint_id,
    eventId: d.event_id,
    eventType: d.event_type,
    resourceId,
    status: d.status,
    attemptCount: d.attempt_count,
    nextAttemptAt: d.next_attempt_at,
    lastAttemptAt: d.last_attempt_at,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    attempts: attempts.map(webhookAttemptObject),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}
