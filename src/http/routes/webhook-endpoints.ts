import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import { listWebhookDeliveries, replayWebhookEndpoint } from '../../core/webhook-deliveries.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from '../../core/webhook-endpoints.js';
import {
  CreateWebhookEndpointSchema,
  ListWebhookDeliveriesQuerySchema,
  ListWebhookEndpointsQuerySchema,
  ReplayWebhookEndpointSchema,
  UpdateWebhookEndpointSchema,
} from '../../core/webhook-schemas.js';

const idParams = z.object({ id: z.string().min(1).max(255) });
const TAG = ['Webhook endpoints'];
const EXTENSION = ['Docsort extension'];

export function webhookEndpointRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhook_endpoints',
      {
        schema: {
          summary: 'Create a webhook endpoint (the response carries its signingSecret, shown only once)',
          tags: TAG,
          body: CreateWebhookEndpointSchema,
        },
      },
      (r) => createWebhookEndpoint(deps, r.actor, r.body),
    );
    app.get(
      '/webhook_endpoints',
      {
        schema: {
          summary: 'List webhook endpoints',
          tags: TAG,
          querystring: ListWebhookEndpointsQuerySchema,
        },
      },
      (r) => listWebhookEndpoints(deps, r.actor, r.query),
    );
    app.get(
      '/webhook_endpoints/:id',
      { schema: { summary: 'Get a webhook endpoint', tags: TAG, params: idParams } },
      (r) => getWebhookEndpoint(deps, r.actor, r.params.id),
    );
    app.post(
      '/webhook_endpoints/:id',
      {
        schema: {
          summary: 'Update a webhook endpoint (apiVersion cannot change)',
          tags: TAG,
          params: idParams,
          body: UpdateWebhookEndpointSchema,
        },
      },
      (r) => updateWebhookEndpoint(deps, r.actor, r.params.id, r.body),
    );
    app.delete(
      '/webhook_endpoints/:id',
      {
        schema: { summary: 'Delete a webhook endpoint and its subscriptions', tags: TAG, params: idParams },
      },
      (r) => deleteWebhookEndpoint(deps, r.actor, r.params.id),
    );
    app.post(
      '/webhook_endpoints/:id/rotate_secret',
      {
        schema: {
          summary: 'Rotate the signing secret; the previous one keeps signing for 24 hours',
          tags: EXTENSION,
          params: idParams,
        },
      },
      (r) => rotateWebhookSecret(deps, r.actor, r.params.id),
    );
    app.get(
      '/webhook_endpoints/:id/deliveries',
      {
        schema: {
          summary: "List an endpoint's deliveries with their attempts",
          tags: EXTENSION,
          params: idParams,
          querystring: ListWebhookDeliveriesQuerySchema,
        },
      },
      (r) => listWebhookDeliveries(deps, r.actor, r.params.id, r.query),
    );
    app.post(
      '/webhook_endpoints/:id/replay',
      {
        schema: {
          summary: 'Send again every failed or exhausted delivery since a time',
          tags: EXTENSION,
          params: idParams,
          body: ReplayWebhookEndpointSchema,
        },
      },
      (r) => replayWebhookEndpoint(deps, r.actor, r.params.id, r.body.since),
    );
  };
}
