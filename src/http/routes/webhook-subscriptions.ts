import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import {
  CreateWebhookSubscriptionSchema,
  ListWebhookSubscriptionsQuerySchema,
  UpdateWebhookSubscriptionSchema,
} from '../../core/webhook-schemas.js';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
  updateWebhookSubscription,
} from '../../core/webhook-subscriptions.js';

const idParams = z.object({ id: z.string().min(1).max(255) });
const TAG = ['Webhook subscriptions'];

export function webhookSubscriptionRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhook_subscriptions',
      {
        schema: {
          summary: 'Subscribe an endpoint to one resource (an upsert on endpoint + resource)',
          tags: TAG,
          body: CreateWebhookSubscriptionSchema,
        },
      },
      (r) => createWebhookSubscription(deps, r.actor, r.body),
    );
    app.get(
      '/webhook_subscriptions',
      {
        schema: {
          summary: 'List webhook subscriptions',
          tags: TAG,
          querystring: ListWebhookSubscriptionsQuerySchema,
        },
      },
      (r) => listWebhookSubscriptions(deps, r.actor, r.query),
    );
    app.get(
      '/webhook_subscriptions/:id',
      { schema: { summary: 'Get a webhook subscription', tags: TAG, params: idParams } },
      (r) => getWebhookSubscription(deps, r.actor, r.params.id),
    );
    app.post(
      '/webhook_subscriptions/:id',
      {
        schema: {
          summary: "Replace a subscription's events",
          tags: TAG,
          params: idParams,
          body: UpdateWebhookSubscriptionSchema,
        },
      },
      (r) => updateWebhookSubscription(deps, r.actor, r.params.id, r.body),
    );
    app.delete(
      '/webhook_subscriptions/:id',
      { schema: { summary: 'Delete a webhook subscription', tags: TAG, params: idParams } },
      (r) => deleteWebhookSubscription(deps, r.actor, r.params.id),
    );
  };
}
