import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import {
  createParseBatch,
  createParseRun,
  deleteParseRun,
  getParseRun,
  listParseRuns,
  parseSync,
} from '../../core/parse-runs.js';
import {
  BatchParseSchema,
  CreateParseRunSchema,
  ListParseRunsQuerySchema,
  SyncParseSchema,
} from '../../core/schemas.js';

const idParams = z.object({ id: z.string().min(1).max(255) });

export function parseRunRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/parse',
      { schema: { summary: 'Parse a file synchronously', tags: ['Parse runs'], body: SyncParseSchema } },
      (r) => parseSync(deps, r.actor, r.body),
    );
    app.post(
      '/parse_runs',
      { schema: { summary: 'Create a parse run', tags: ['Parse runs'], body: CreateParseRunSchema } },
      (r) => createParseRun(deps, r.actor, r.body),
    );
    app.post(
      '/parse_runs/batch',
      { schema: { summary: 'Create a batch of parse runs', tags: ['Parse runs'], body: BatchParseSchema } },
      (r) => createParseBatch(deps, r.actor, r.body),
    );
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
          params: idParams,
          querystring: z.object({ responseType: z.enum(['json', 'url']).optional() }),
        },
      },
      (r) => getParseRun(deps, r.actor, r.params.id),
    );
    app.delete(
      '/parse_runs/:id',
      { schema: { summary: 'Delete a parse run', tags: ['Parse runs'], params: idParams } },
      (r) => deleteParseRun(deps, r.actor, r.params.id),
    );
  };
}
