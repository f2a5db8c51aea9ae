import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import { getParseRun, listParseRuns } from '../../core/parse-runs.js';
import { ListParseRunsQuerySchema } from '../../core/schemas.js';

export function parseRunRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/parse_runs',
      { schema: { summary: 'List parse runs', tags: ['Parse runs'], querystring: ListParseRunsQuerySchema } },
      (r) => listParseRuns(deps, r.actor, r.query),
    );
    app.get(
      '/parse_runs/:id',
      {
        schema: {
          summary: 'Get a parse run',
          tags: ['Parse runs'],
          params: z.object({ id: z.string().min(1).max(255) }),
          querystring: z.object({ responseType: z.enum(['json', 'url']).optional() }),
        },
      },
      (r) => getParseRun(deps, r.actor, r.params.id),
    );
  };
}
