import { z } from 'zod';

/**
 * Request schemas: the contract for validation (400 with the offending path) and, later, the
 * OpenAPI document. Shapes follow the extend-ai SDK's types (spec §3, §4).
 */

const id = z.string().min(1).max(255);

export const ClassificationSchema = z.strictObject({
  id: id.regex(/^\S(.*\S)?$/, 'must not start or end with whitespace'),
  type: z.string().min(1).max(255),
  description: z.string().max(20_000),
});

export const PageRangeSchema = z
  .strictObject({ start: z.number().int().min(1).max(100_000), end: z.number().int().min(1).max(100_000) })
  .refine((r) => r.start <= r.end, { message: 'start must not be greater than end', path: ['start'] });

export const ClassifyAdvancedOptionsSchema = z.strictObject({
  context: z.enum(['default', 'max']).optional(),
  advancedMultimodalEnabled: z.boolean().optional(),
  memoryEnabled: z.boolean().optional(),
  pageRanges: z.array(PageRangeSchema).max(100).optional(),
});

// ParseConfig has many engine-specific options (spec §5.2); unknown keys are kept so SDK users who
// send options Docsort does not use yet are not refused.
export const ParseConfigSchema = z.looseObject({
  target: z.enum(['markdown', 'spatial']).optional(),
  chunkingStrategy: z
    .looseObject({
      type: z.enum(['page', 'document', 'section']).optional(),
      options: z.looseObject({}).optional(),
    })
    .optional(),
  engine: z.string().max(100).optional(),
  engineVersion: z.string().max(100).optional(),
  advancedOptions: z.looseObject({ pageRanges: z.array(PageRangeSchema).max(100).optional() }).optional(),
});

const configFields = {
  baseProcessor: z.enum(['classification_performance', 'classification_light']).optional(),
  baseVersion: z.string().max(50).optional(),
  classifications: z.array(ClassificationSchema).min(1, 'at least one classification is required').max(500),
  classificationRules: z.string().max(50_000).optional(),
  advancedOptions: ClassifyAdvancedOptionsSchema.optional(),
  parseConfig: ParseConfigSchema.optional(),
};

/** The semantic rules of a complete config (spec §3.1): unique ids and at least one `other`. */
export function checkClassifications(
  classifications: { id: string; type: string }[],
  ctx: { addIssue: (issue: { code: 'custom'; message: string; path: (string | number)[] }) => void },
  prefix: (string | number)[] = ['classifications'],
): void {
  const seen = new Set<string>();
  classifications.forEach((c, i) => {
    if (seen.has(c.id))
      ctx.addIssue({
        code: 'custom',
        message: `duplicate classification id "${c.id}"`,
        path: [...prefix, i, 'id'],
      });
    seen.add(c.id);
  });
  if (!classifications.some((c) => c.type === 'other')) {
    ctx.addIssue({
      code: 'custom',
      message: 'at least one classification must have type "other"',
      path: prefix,
    });
  }
}

export const ClassifyConfigSchema = z
  .strictObject(configFields)
  .superRefine((cfg, ctx) => checkClassifications(cfg.classifications, ctx));

export const ClassifyOverrideConfigSchema = z.strictObject({
  ...configFields,
  classifications: configFields.classifications.optional(),
});

export type ClassifyConfig = z.infer<typeof ClassifyConfigSchema>;
export type ClassifyOverrideConfig = z.infer<typeof ClassifyOverrideConfigSchema>;
export type Classification = z.infer<typeof ClassificationSchema>;

/** Extend's RunMetadata: an arbitrary object of at most 10 KB (spec §2). */
export const MetadataSchema = z
  .record(z.string(), z.unknown())
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= 10_240, {
    message: 'metadata must be at most 10 KB as JSON',
  });

export const FileInputSchema = z.union([
  z.strictObject({ id }),
  z.strictObject({
    url: z.string().min(1).max(8192),
    name: z.string().min(1).max(255).optional(),
    settings: z.strictObject({ password: z.string().max(1024).optional() }).optional(),
  }),
  z.strictObject({
    text: z.string().min(1, 'text must not be empty').max(10_000_000),
    name: z.string().min(1).max(255).optional(),
  }),
]);
export type FileInput = z.infer<typeof FileInputSchema>;

export const ClassifierRefSchema = z.strictObject({
  id,
  version: z.string().min(1).max(255).optional(),
  overrideConfig: ClassifyOverrideConfigSchema.optional(),
});
export type ClassifierRef = z.infer<typeof ClassifierRefSchema>;

const priority = z.number().int().min(0).max(100);

export const CreateClassifyRunSchema = z.strictObject({
  classifier: ClassifierRefSchema.optional(),
  config: ClassifyConfigSchema.optional(),
  file: FileInputSchema,
  priority: priority.optional(),
  metadata: MetadataSchema.optional(),
});
export type CreateClassifyRunRequest = z.infer<typeof CreateClassifyRunSchema>;

export const SyncClassifySchema = CreateClassifyRunSchema.omit({ priority: true });

export const BatchClassifySchema = z.strictObject({
  classifier: ClassifierRefSchema,
  inputs: z
    .array(z.strictObject({ file: FileInputSchema, metadata: MetadataSchema.optional() }))
    .min(1, 'at least one input is required')
    .max(1000, 'at most 1000 inputs are allowed'),
  priority: priority.optional(),
});
export type BatchClassifyRequest = z.infer<typeof BatchClassifySchema>;

export const CreateClassifierSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(255),
    cloneClassifierId: id.optional(),
    config: ClassifyConfigSchema.optional(),
  })
  .refine((b) => !(b.cloneClassifierId && b.config), {
    message: 'cloneClassifierId and config cannot both be given',
    path: ['cloneClassifierId'],
  });

export const UpdateClassifierSchema = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  config: ClassifyConfigSchema.optional(),
});

export const PublishVersionSchema = z.strictObject({
  releaseType: z.enum(['major', 'minor']),
  description: z.string().max(2000).optional(),
  config: ClassifyConfigSchema.optional(),
});

export const ReviewSchema = z.strictObject({
  output: z.strictObject({ id, type: z.string().optional() }),
});

export const RunStatusSchema = z.enum(['PENDING', 'PROCESSING', 'PROCESSED', 'FAILED', 'CANCELLED']);
export const RunSourceSchema = z.enum([
  'ADMIN',
  'BATCH_PROCESSOR_RUN',
  'PLAYGROUND',
  'WORKFLOW_CONFIGURATION',
  'WORKFLOW_RUN',
  'STUDIO',
  'API',
]);

export const PageQuerySchema = {
  nextPageToken: z.string().max(2000).optional(),
  maxPageSize: z.coerce.number().int().min(1).max(1000).default(10),
  sortDir: z.enum(['asc', 'desc']).default('desc'),
};

export const ListClassifyRunsQuerySchema = z.object({
  ...PageQuerySchema,
  sortBy: z.enum(['updatedAt', 'createdAt']).default('updatedAt'),
  status: RunStatusSchema.optional(),
  classifierId: id.optional(),
  batchId: id.optional(),
  source: RunSourceSchema.optional(),
  sourceId: id.optional(),
  fileNameContains: z.string().min(1).max(255).optional(),
  // Docsort extensions (docs/api.md): filters on the run's answer, its review and its creation time.
  type: z.string().min(1).max(255).optional(),
  reviewed: z.enum(['true', 'false']).optional(),
  minConfidence: z.coerce.number().min(0).max(1).optional(),
  maxConfidence: z.coerce.number().min(0).max(1).optional(),
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
});
export type ListClassifyRunsQuery = z.infer<typeof ListClassifyRunsQuerySchema>;

export const ListClassifiersQuerySchema = z.object({
  ...PageQuerySchema,
  sortBy: z.enum(['updatedAt', 'createdAt']).default('updatedAt'),
});

export const ListVersionsQuerySchema = z.object({ ...PageQuerySchema });

export const ListFilesQuerySchema = z.object({
  ...PageQuerySchema,
  nameContains: z.string().min(1).max(255).optional(),
  // Docsort extension: the child files of one file (e-mail attachments).
  parentFileId: id.optional(),
});

export const ListParseRunsQuerySchema = z.object({
  ...PageQuerySchema,
  status: z.enum(['PENDING', 'PROCESSING', 'PROCESSED', 'FAILED']).optional(),
  batchId: id.optional(),
  source: z.string().max(50).optional(),
  sourceId: id.optional(),
  fileNameContains: z.string().min(1).max(255).optional(),
});

const ParseFileInputSchema = z.union([
  z.strictObject({ id }),
  z.strictObject({
    url: z.string().min(1).max(8192),
    name: z.string().min(1).max(255).optional(),
    settings: z.strictObject({ password: z.string().max(1024).optional() }).optional(),
  }),
]);

export const CreateParseRunSchema = z.strictObject({
  file: ParseFileInputSchema,
  config: ParseConfigSchema.optional(),
  metadata: MetadataSchema.optional(),
  priority: priority.optional(),
  // Accepted for compatibility; Docsort keeps parse outputs until they are deleted.
  dataRetention: z.strictObject({ mode: z.enum(['workspace_default', 'zero']).optional() }).optional(),
});

export const SyncParseSchema = CreateParseRunSchema.omit({ priority: true });

export const BatchParseSchema = z.strictObject({
  inputs: z
    .array(z.strictObject({ file: ParseFileInputSchema, metadata: MetadataSchema.optional() }))
    .min(1, 'at least one input is required')
    .max(1000, 'at most 1000 inputs are allowed'),
  config: ParseConfigSchema.optional(),
  priority: priority.optional(),
});
