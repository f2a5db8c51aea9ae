import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createClassifyBatch } from '../../core/batch-runs.js';
import {
  cancelClassifyRun,
  classifySync,
  createClassifyRun,
  deleteClassifyRun,
  getClassifyRun,
  listClassifyRuns,
  reviewClassifyRun,
} from '../../core/classify-runs.js';
import type { CoreDeps } from '../../core/context.js';
import {
  BatchClassifySchema,
  CreateClassifyRunSchema,
  ListClassifyRunsQuerySchema,
  ReviewSchema,
  SyncClassifySchema,
} from '../../core/schemas.js';

const idParams = z.object({ id: z.string().min(1).max(255) });
// The CLI sends `{}` on cancel; the SDK (extend-ai 1.17) sends no body at all, which Fastify hands
// over as null. Accept `{}`, null and a missing body.
const emptyBody = z.strictObject({}).nullish();

export function classifyRunRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/classify',
      { schema: { summary: 'Classify synchronously', tags: ['Classify runs'], body: SyncClassifySchema } },
      (r) => classifySync(deps, r.actor, r.body),
    );
    app.post(
      '/classify_runs',
      {
        schema: { summary: 'Create a classify run', tags: ['Classify runs'], body: CreateClassifyRunSchema },
      },
      (r) => createClassifyRun(deps, r.actor, r.body),
    );
    app.post(
      '/classify_runs/batch',
      {
        schema: {
          summary: 'Create a batch of classify runs',
          tags: ['Classify runs'],
          body: BatchClassifySchema,
        },
      },
      (r) => createClassifyBatch(deps, r.actor, r.body),
    );
    app.get(
      '/classify_runs',
      {
        schema: {
          summary: 'List classify runs',
          tags: ['Classify runs'],
          querystring: ListClassifyRunsQuerySchema,
        },
      },
      (r) => listClassifyRuns(deps, r.actor, r.query),
    );
    app.get(
      '/classify_runs/:id',
      { schema: { summary: 'Get a classify run', tags: ['Classify runs'], params: idParams } },
      (r) => getClassifyRun(deps, r.actor, r.params.id),
    );
    app.post(
      '/classify_runs/:id/cancel',
      {
        schema: {
          summary: 'Cancel a pending or processing run',
          tags: ['Classify runs'],
          params: idParams,
          body: emptyBody,
        },
      },
      (r) => cancelClassifyRun(deps, r.actor, r.params.id),
    );
    app.post(
      '/classify_runs/:id/review',
      {
        schema: {
          summary: "Record a reviewer's classification",
          tags: ['Docsort extension'],
          params: idParams,
          body: ReviewSchema,
        },
      },
      (r) => reviewClassifyRun(deps, r.actor, r.params.id, r.body),
    );
    app.delete(
      '/classify_runs/:id',
      { schema: { summary: 'Delete a classify run', tags: ['Classify runs'], params: idParams } },
      (r) => deleteClassifyRun(deps, r.actor, r.params.id),
    );
  };
}
