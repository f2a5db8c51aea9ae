import type { FastifySchemaCompiler } from 'fastify';
import type { ZodType } from 'zod';
import { RequestValidationError } from './errors.js';

/**
 * Zod validation with Extend-style messages that name one offending path
 * (`...; Path: config.classifications.0.id`). Query and params paths are the parameter names.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const issue = result.error.issues[0];
    const path = (issue?.path ?? []).map(String).join('.');
    let message = issue?.message ?? 'invalid request';
    if (issue?.code === 'unrecognized_keys') message = `Unknown field(s): ${issue.keys.join(', ')}`;
    if (issue?.code === 'invalid_type' && /received undefined/.test(message))
      message = 'Required field is missing';
    return {
      error: new RequestValidationError(message, path || (issue?.code === 'unrecognized_keys' ? '' : 'body')),
    };
  };
