import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createClassifier,
  deleteClassifier,
  getClassifier,
  getVersion,
  listClassifiers,
  listVersions,
  publishVersion,
  updateClassifier,
} from '../../core/classifiers.js';
import type { CoreDeps } from '../../core/context.js';
import {
  CreateClassifierSchema,
  ListClassifiersQuerySchema,
  ListVersionsQuerySchema,
  PublishVersionSchema,
  UpdateClassifierSchema,
} from '../../core/schemas.js';

const idParams = z.object({ id: z.string().min(1).max(255) });
const versionParams = z.object({
  classifierId: z.string().min(1).max(255),
  versionId: z.string().min(1).max(255),
});
const classifierParams = z.object({ classifierId: z.string().min(1).max(255) });

export function classifierRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/classifiers', { schema: { body: CreateClassifierSchema } }, (r) =>
      createClassifier(deps, r.actor, r.body),
    );
    app.get('/classifiers', { schema: { querystring: ListClassifiersQuerySchema } }, (r) =>
      listClassifiers(deps, r.actor, r.query),
    );
    app.get('/classifiers/:id', { schema: { params: idParams } }, (r) =>
      getClassifier(deps, r.actor, r.params.id),
    );
    app.post('/classifiers/:id', { schema: { params: idParams, body: UpdateClassifierSchema } }, (r) =>
      updateClassifier(deps, r.actor, r.params.id, r.body),
    );
    app.delete('/classifiers/:id', { schema: { params: idParams } }, (r) =>
      deleteClassifier(deps, r.actor, r.params.id),
    );
    app.post(
      '/classifiers/:classifierId/versions',
      { schema: { params: classifierParams, body: PublishVersionSchema } },
      (r) => publishVersion(deps, r.actor, r.params.classifierId, r.body),
    );
    app.get(
      '/classifiers/:classifierId/versions',
      { schema: { params: classifierParams, querystring: ListVersionsQuerySchema } },
      (r) => listVersions(deps, r.actor, r.params.classifierId, r.query),
    );
    app.get('/classifiers/:classifierId/versions/:versionId', { schema: { params: versionParams } }, (r) =>
      getVersion(deps, r.actor, r.params.classifierId, r.params.versionId),
    );
  };
}
