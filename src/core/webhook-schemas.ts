import { z } from 'zod';
import {
  ENDPOINT_EVENT_TYPES,
  SUBSCRIPTION_EVENT_TYPE_LIST,
  SUBSCRIPTION_EVENT_TYPES,
  SUBSCRIPTION_RESOURCE_TYPES,
} from '../webhooks/event-types.js';
import { PageQuerySchema } from './schemas.js';

/** Request schemas of the webhook endpoints and subscriptions (spec §6.1; extend-ai request types). */

const id = z.string().min(1).max(255);

/** The only API version this server speaks; an endpoint is pinned to it at creation. */
export const WEBHOOK_API_VERSIONS = ['2026-02-09'] as const;

// Headers Docsort sets itself (signatures, framing): a custom header may not replace them.
const RESERVED_HEADER =
  /^(x-extend-|webhook-|proxy-)|^(host|content-length|content-type|transfer-encoding|connection|keep-alive|te|trailer|upgrade|expect)$/i;

const HeadersSchema = z
  .record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'must be a valid HTTP header name'),
    // CR or LF would split the header; other control characters corrupt it. Tab is allowed.
    z
      .string()
      .max(2000)
      .refine((v) => ![...v].some((ch) => (ch < ' ' && ch !== '\t') || ch === '\u007f'), {
        message: 'must not contain control characters',
      }),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > 20) ctx.addIssue({ code: 'custom', message: 'at most 20 custom headers are allowed' });
    for (const name of names) {
      if (RESERVED_HEADER.test(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${name}" is set by Docsort on every delivery and cannot be replaced`,
          path: [name],
        });
      }
    }
  });

const PayloadOptionsSchema = z
  .strictObject({
    format: z.enum(['json', 'url']),
    urlThresholdBytes: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .refine((p) => p.urlThresholdBytes === undefined || p.format === 'url', {
    message: 'urlThresholdBytes applies only when format is "url"',
    path: ['urlThresholdBytes'],
  });

export const AdvancedOptionsSchema = z.strictObject({
  headers: HeadersSchema.optional(),
  payload: PayloadOptionsSchema.optional(),
});
export type WebhookAdvancedOptions = z.infer<typeof AdvancedOptionsSchema>;

const EndpointEvents = z.array(z.enum(ENDPOINT_EVENT_TYPES)).max(100);
const EndpointStatus = z.enum(['enabled', 'disabled']);
const Url = z.string().trim().min(1).max(2048);
const Name = z.string().trim().min(1).max(255);

export const CreateWebhookEndpointSchema = z.strictObject({
  url: Url,
  name: Name,
  status: EndpointStatus.optional(),
  enabledEvents: EndpointEvents,
  apiVersion: z.enum(WEBHOOK_API_VERSIONS, { message: `must be ${WEBHOOK_API_VERSIONS.join(' or ')}` }),
  advancedOptions: AdvancedOptionsSchema.optional(),
});
export type CreateWebhookEndpointRequest = z.infer<typeof CreateWebhookEndpointSchema>;

// apiVersion is absent on purpose: an endpoint keeps the version it was created with.
export const UpdateWebhookEndpointSchema = z.strictObject({
  url: Url.optional(),
  name: Name.optional(),
  status: EndpointStatus.optional(),
  enabledEvents: EndpointEvents.optional(),
  advancedOptions: AdvancedOptionsSchema.nullable().optional(),
});
export type UpdateWebhookEndpointRequest = z.infer<typeof UpdateWebhookEndpointSchema>;

export const ListWebhookEndpointsQuerySchema = z.object({
  ...PageQuerySchema,
  status: EndpointStatus.optional(),
});

const SubscriptionEvents = z
  .array(z.enum(SUBSCRIPTION_EVENT_TYPE_LIST as [string, ...string[]]))
  .min(1)
  .max(20);

export const CreateWebhookSubscriptionSchema = z
  .strictObject({
    webhookEndpointId: id,
    resourceType: z.enum(SUBSCRIPTION_RESOURCE_TYPES),
    resourceId: id,
    enabledEvents: SubscriptionEvents,
  })
  .superRefine((body, ctx) => {
    const valid = SUBSCRIPTION_EVENT_TYPES[body.resourceType];
    body.enabledEvents.forEach((event, i) => {
      if (!valid.includes(event)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${event}" is not an event of a ${body.resourceType}; valid: ${valid.join(', ')}`,
          path: ['enabledEvents', i],
        });
      }
    });
  });
export type CreateWebhookSubscriptionRequest = z.infer<typeof CreateWebhookSubscriptionSchema>;

export const UpdateWebhookSubscriptionSchema = z.strictObject({ enabledEvents: SubscriptionEvents });

export const ListWebhookSubscriptionsQuerySchema = z.object({
  ...PageQuerySchema,
  webhookEndpointId: id.optional(),
  resourceId: id.optional(),
});

export const DELIVERY_STATUSES = ['pending', 'failed', 'succeeded', 'exhausted'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const ListWebhookDeliveriesQuerySchema = z.object({
  ...PageQuerySchema,
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.string().min(1).max(100).optional(),
  /** Deliveries of the events about one resource, e.g. a classify run's `clr_...` (its `resourceId`). */
  resourceId: z.string().min(1).max(255).optional(),
});

export const ReplayWebhookEndpointSchema = z.strictObject({
  since: z.iso.datetime({ offset: true }),
});
