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
// The SDK sends `{}` on cancel; accept an empty or missing body.
const emptyBody = z.strictObject({}).optional();

export function classifyRunRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/classify', { schema: { body: SyncClassifySchema } }, (r) =>
      classifySync(deps, r.actor, r.body),
    );
    app.post('/classify_runs', { schema: { body: CreateClassifyRunSchema } }, (r) =>
      createClassifyRun(deps, r.actor, r.body),
    );
    app.post('/classify_runs/batch', { schema: { body: BatchClassifySchema } }, (r) =>
      createClassifyBatch(deps, r.actor, r.body),
    );
    app.get('/classify_runs', { schema: { querystring: ListClassifyRunsQuerySchema } }, (r) =>
      listClassifyRuns(deps, r.actor, r.query),
    );
    app.get('/classify_runs/:id', { schema: { params: idParams } }, (r) =>
      getClassifyRun(deps, r.actor, r.params.id),
    );
    app.post('/classify_runs/:id/cancel', { schema: { params: idParams, body: emptyBody } }, (r) =>
      cancelClassifyRun(deps, r.actor, r.params.id),
    );
    app.post('/classify_runs/:id/review', { schema: { params: idParams, body: ReviewSchema } }, (r) =>
      reviewClassifyRun(deps, r.actor, r.params.id, r.body),
    );
    app.delete('/classify_runs/:id', { schema: { params: idParams } }, (r) =>
      deleteClassifyRun(deps, r.actor, r.params.id),
    );
  };
}
