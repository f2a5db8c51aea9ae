import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import { retryWebhookDelivery } from '../../core/webhook-deliveries.js';

/** Docsort extension: the delivery log's one write (listing and replay hang off the endpoint). */
export function webhookDeliveryRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhook_deliveries/:id/retry',
      {
        schema: {
          summary: 'Send one delivery again now, with the whole retry schedule ahead of it',
          tags: ['Docsort extension'],
          params: z.object({ id: z.string().min(1).max(255) }),
        },
      },
      (r) => retryWebhookDelivery(deps, r.actor, r.params.id),
    );
  };
}
