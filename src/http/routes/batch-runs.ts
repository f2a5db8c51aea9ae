import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getBatchRun } from '../../core/batch-runs.js';
import type { CoreDeps } from '../../core/context.js';

export function batchRunRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/batch_runs/:id',
      {
        schema: {
          summary: 'Get a batch run',
          tags: ['Batch runs'],
          params: z.object({ id: z.string().min(1).max(255) }),
        },
      },
      (r) => getBatchRun(deps, r.actor, r.params.id),
    );
  };
}
