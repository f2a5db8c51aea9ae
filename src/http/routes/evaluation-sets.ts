import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import {
  CreateEvaluationSetItemsSchema,
  CreateEvaluationSetSchema,
  ListEvaluationSetItemsQuerySchema,
  ListEvaluationSetsQuerySchema,
  UpdateEvaluationSetItemSchema,
  UpdateEvaluationSetSchema,
} from '../../core/evaluation-schemas.js';
import {
  createEvaluationSet,
  createEvaluationSetItems,
  deleteEvaluationSet,
  deleteEvaluationSetItem,
  getEvaluationSet,
  getEvaluationSetItem,
  listEvaluationSetItems,
  listEvaluationSets,
  updateEvaluationSet,
  updateEvaluationSetItem,
} from '../../core/evaluation-sets.js';

const idParam = z.string().min(1).max(255);
const setParams = z.object({ id: idParam });
const itemParams = z.object({ id: idParam, itemId: idParam });
const tags = ['Evaluation sets'];

export function evaluationSetRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/evaluation_sets',
      { schema: { summary: 'Create an evaluation set', tags, body: CreateEvaluationSetSchema } },
      (r) => createEvaluationSet(deps, r.actor, r.body),
    );
    app.get(
      '/evaluation_sets',
      { schema: { summary: 'List evaluation sets', tags, querystring: ListEvaluationSetsQuerySchema } },
      (r) => listEvaluationSets(deps, r.actor, r.query),
    );
    app.get(
      '/evaluation_sets/:id',
      { schema: { summary: 'Get an evaluation set', tags, params: setParams } },
      (r) => getEvaluationSet(deps, r.actor, r.params.id),
    );
    app.post(
      '/evaluation_sets/:id',
      {
        schema: {
          summary: 'Update an evaluation set (Docsort extension)',
          tags,
          params: setParams,
          body: UpdateEvaluationSetSchema,
        },
      },
      (r) => updateEvaluationSet(deps, r.actor, r.params.id, r.body),
    );
    app.delete(
      '/evaluation_sets/:id',
      {
        schema: {
          summary: 'Delete an evaluation set and its items (Docsort extension)',
          tags,
          params: setParams,
        },
      },
      (r) => deleteEvaluationSet(deps, r.actor, r.params.id),
    );
    app.post(
      '/evaluation_sets/:id/items',
      {
        schema: {
          summary: 'Add items (files with their expected classification) to an evaluation set',
          tags,
          params: setParams,
          body: CreateEvaluationSetItemsSchema,
        },
      },
      (r) => createEvaluationSetItems(deps, r.actor, r.params.id, r.body),
    );
    app.get(
      '/evaluation_sets/:id/items',
      {
        schema: {
          summary: 'List the items of an evaluation set',
          tags,
          params: setParams,
          querystring: ListEvaluationSetItemsQuerySchema,
        },
      },
      (r) => listEvaluationSetItems(deps, r.actor, r.params.id, r.query),
    );
    app.get(
      '/evaluation_sets/:id/items/:itemId',
      { schema: { summary: 'Get an evaluation set item', tags, params: itemParams } },
      (r) => getEvaluationSetItem(deps, r.actor, r.params.id, r.params.itemId),
    );
    app.post(
      '/evaluation_sets/:id/items/:itemId',
      {
        schema: {
          summary: "Update an item's expected output",
          tags,
          params: itemParams,
          body: UpdateEvaluationSetItemSchema,
        },
      },
      (r) => updateEvaluationSetItem(deps, r.actor, r.params.id, r.params.itemId, r.body),
    );
    app.delete(
      '/evaluation_sets/:id/items/:itemId',
      { schema: { summary: 'Delete an evaluation set item', tags, params: itemParams } },
      (r) => deleteEvaluationSetItem(deps, r.actor, r.params.id, r.params.itemId),
    );
  };
}
