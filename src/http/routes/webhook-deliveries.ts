import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import { getWebhookDelivery, retryWebhookDelivery } from '../../core/webhook-deliveries.js';

const idParams = z.object({ id: z.string().min(1).max(255) });

/** Docsort extension: one delivery and its retry (listing and replay hang off the endpoint). */
export function webhookDeliveryRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/webhook_deliveries/:id',
      {
        schema: {
          summary: 'Get one delivery with every attempt and the request it sends',
          tags: ['Docsort extension'],
          params: idParams,
        },
      },
      (r) => getWebhookDelivery(deps, r.actor, r.params.id),
    );
    app.post(
      '/webhook_deliveries/:id/retry',
      {
        schema: {
          summary: 'Send one delivery again now, with the whole retry schedule ahead of it',
          tags: ['Docsort extension'],
          params: idParams,
        },
      },
      (r) => retryWebhookDelivery(deps, r.actor, r.params.id),
    );
  };
}
