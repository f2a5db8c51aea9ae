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
    app.post(
      '/classifiers',
      { schema: { summary: 'Create a classifier', tags: ['Classifiers'], body: CreateClassifierSchema } },
      (r) => createClassifier(deps, r.actor, r.body),
    );
    app.get(
      '/classifiers',
      {
        schema: {
          summary: 'List classifiers',
          tags: ['Classifiers'],
          querystring: ListClassifiersQuerySchema,
        },
      },
      (r) => listClassifiers(deps, r.actor, r.query),
    );
    app.get(
      '/classifiers/:id',
      {
        schema: {
          summary: 'Get a classifier with its draft version',
          tags: ['Classifiers'],
          params: idParams,
        },
      },
      (r) => getClassifier(deps, r.actor, r.params.id),
    );
    app.post(
      '/classifiers/:id',
      {
        schema: {
          summary: "Update a classifier's name and/or draft config",
          tags: ['Classifiers'],
          params: idParams,
          body: UpdateClassifierSchema,
        },
      },
      (r) => updateClassifier(deps, r.actor, r.params.id, r.body),
    );
    app.delete(
      '/classifiers/:id',
      {
        schema: {
          summary: 'Delete a classifier (emits classifier.deleted)',
          tags: ['Docsort extension'],
          params: idParams,
        },
      },
      (r) => deleteClassifier(deps, r.actor, r.params.id),
    );
    app.post(
      '/classifiers/:classifierId/versions',
      {
        schema: {
          summary: 'Publish a version',
          tags: ['Classifier versions'],
          params: classifierParams,
          body: PublishVersionSchema,
        },
      },
      (r) => publishVersion(deps, r.actor, r.params.classifierId, r.body),
    );
    app.get(
      '/classifiers/:classifierId/versions',
      {
        schema: {
          summary: 'List versions, draft first',
          tags: ['Classifier versions'],
          params: classifierParams,
          querystring: ListVersionsQuerySchema,
        },
      },
      (r) => listVersions(deps, r.actor, r.params.classifierId, r.query),
    );
    app.get(
      '/classifiers/:classifierId/versions/:versionId',
      {
        schema: {
          summary: 'Get a version by draft, latest, number or id',
          tags: ['Classifier versions'],
          params: versionParams,
        },
      },
      (r) => getVersion(deps, r.actor, r.params.classifierId, r.params.versionId),
    );
  };
}
