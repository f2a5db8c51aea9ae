import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import { readSignedPayload } from '../../core/webhook-deliveries.js';

/** The target of a `signed_data_url` webhook payload (spec §6.3): no API key, the signature is the credential. */
export function webhookPayloadRoute(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/webhook_payloads/:eventId',
      {
        schema: {
          summary: 'The full payload behind a signed_data_url webhook (the link is valid for one hour)',
          tags: ['Docsort extension'],
          security: [],
          params: z.object({ eventId: z.string().min(1).max(255) }),
          querystring: z.object({ expires: z.string().max(20), signature: z.string().max(128) }),
        },
      },
      async (request, reply) => {
        const { eventId } = request.params;
        const payload = await readSignedPayload(
          deps,
          eventId,
          request.query.expires,
          request.query.signature,
        );
        return reply
          .header('content-type', 'application/json; charset=utf-8')
          .header('cache-control', 'private, no-store')
          .send(payload);
      },
    );
  };
}
