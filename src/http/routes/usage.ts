import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CoreDeps } from '../../core/context.js';
import { UsageDailyQuerySchema, usageDaily } from '../../core/usage-report.js';

export function usageRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/usage/daily',
      {
        schema: {
          summary: 'Credits and runs per UTC day, by classifier (Docsort extension)',
          description:
            'One entry per day from `from` to `to` (YYYY-MM-DD, UTC, inclusive; default the last 30 days, at most 366). ' +
            'Classify runs count on the day they were created; their credits include the parse they made. ' +
            'Parse runs made through the parse endpoints add to `parseCredits` and `credits` but belong to no classifier, ' +
            'so they are left out when `classifierId` is given.',
          tags: ['Docsort extension'],
          querystring: UsageDailyQuerySchema,
        },
      },
      (r) => usageDaily(deps, r.actor, r.query),
    );
  };
}
