import { z } from 'zod';
import { PageQuerySchema } from './schemas.js';

/** Request schemas of evaluation sets, their items and runs (extend-ai `evaluationSets*`, `evaluationSetRuns*`). */

const id = z.string().min(1).max(255);

export const CreateEvaluationSetSchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(255),
  description: z.string().max(5000).optional(),
  entityId: id,
});
export type CreateEvaluationSetRequest = z.infer<typeof CreateEvaluationSetSchema>;

export const UpdateEvaluationSetSchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(255).optional(),
  description: z.string().max(5000).optional(),
});

export const ListEvaluationSetsQuerySchema = z.object({
  ...PageQuerySchema,
  sortBy: z.enum(['updatedAt', 'createdAt']).default('updatedAt'),
  entityId: id.optional(),
});

export const ListEvaluationSetItemsQuerySchema = z.object({
  ...PageQuerySchema,
  sortBy: z.enum(['updatedAt', 'createdAt']).default('updatedAt'),
});

/** A classifier's expected output (`ProvidedClassifyOutput`): the classification's id and type. */
export const ExpectedClassifyOutputSchema = z.strictObject({ id, type: z.string().min(1).max(255) });
export type ExpectedClassifyOutput = z.infer<typeof ExpectedClassifyOutputSchema>;

export const CreateEvaluationSetItemsSchema = z.strictObject({
  items: z
    .array(z.strictObject({ fileId: id, expectedOutput: ExpectedClassifyOutputSchema }))
    .min(1, 'at least one item is required')
    .max(1000, 'at most 1000 items per request'),
});
export type CreateEvaluationSetItemsRequest = z.infer<typeof CreateEvaluationSetItemsSchema>;

export const UpdateEvaluationSetItemSchema = z.strictObject({ expectedOutput: ExpectedClassifyOutputSchema });

export const CreateEvaluationSetRunSchema = z.strictObject({
  evaluationSetId: id,
  entity: z.strictObject({ id, version: z.string().min(1).max(50).optional() }).optional(),
  evaluationSetItemIds: z.array(id).min(1).max(10_000).optional(),
});
export type CreateEvaluationSetRunRequest = z.infer<typeof CreateEvaluationSetRunSchema>;

export const ListEvaluationSetRunsQuerySchema = z.object({
  ...PageQuerySchema,
  evaluationSetId: id.optional(),
});

export const ListEvaluationSetRunItemsQuerySchema = z.object({
  nextPageToken: z.string().max(2000).optional(),
  maxPageSize: z.coerce.number().int().min(1).max(1000).default(100),
  incorrect: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
