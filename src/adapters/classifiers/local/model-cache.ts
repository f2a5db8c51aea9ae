import { createHash } from 'node:crypto';
import type { ClassificationDefinition } from '../../../ports/classifier.js';
import { type CompiledModel, type CompileOptions, compileModel } from './model.js';

/**
 * Compiled models by config, so a batch of documents under one classifier pays the compile cost once.
 * Least recently used entries go first.
 */
export interface ModelCache {
  get(classifications: readonly ClassificationDefinition[], rules: string | null | undefined): CompiledModel;
}

export const configKey = (
  classifications: readonly ClassificationDefinition[],
  rules: string | null | undefined,
): string =>
  createHash('sha256')
    .update(JSON.stringify([classifications.map((c) => [c.id, c.type, c.description]), rules ?? '']))
    .digest('hex');

export const createModelCache = (capacity: number, options: CompileOptions = {}): ModelCache => {
  const entries = new Map<string, CompiledModel>();
  return {
    get(classifications, rules) {
      const key = configKey(classifications, rules);
      const hit = entries.get(key);
      if (hit !== undefined) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const model = compileModel(classifications, rules, options);
      entries.set(key, model);
      if (entries.size > capacity) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return model;
    },
  };
};
