import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import {
  createEvaluationSetRun,
  getEvaluationSetRun,
  listEvaluationSetRunItems,
  listEvaluationSetRuns,
} from '../../core/evaluation-runs.js';
import {
  CreateEvaluationSetRunSchema,
  ListEvaluationSetRunItemsQuerySchema,
  ListEvaluationSetRunsQuerySchema,
} from '../../core/evaluation-schemas.js';

const tags = ['Evaluation set runs'];

export function evaluationSetRunRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/evaluation_set_runs',
      {
        schema: {
          summary: 'Run a classifier over an evaluation set',
          tags,
          body: CreateEvaluationSetRunSchema,
        },
      },
      (r) => createEvaluationSetRun(deps, r.actor, r.body),
    );
    app.get(
      '/evaluation_set_runs',
      {
        schema: {
          summary: 'List evaluation set runs (Docsort extension)',
          tags,
          querystring: ListEvaluationSetRunsQuerySchema,
        },
      },
      (r) => listEvaluationSetRuns(deps, r.actor, r.query),
    );
    app.get(
      '/evaluation_set_runs/:id',
      {
        schema: {
          summary: 'Get an evaluation set run with its metrics',
          tags,
          params: z.object({ id: z.string().min(1).max(255) }),
        },
      },
      (r) => getEvaluationSetRun(deps, r.actor, r.params.id),
    );
    app.get(
      '/evaluation_set_runs/:id/items',
      {
        schema: {
          summary: 'Each file of an evaluation run with its expected and actual answer (Docsort extension)',
          tags,
          params: z.object({ id: z.string().min(1).max(255) }),
          querystring: ListEvaluationSetRunItemsQuerySchema,
        },
      },
      (r) => listEvaluationSetRunItems(deps, r.actor, r.params.id, r.query),
    );
  };
}
