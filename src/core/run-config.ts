import { invalid, notFound } from '../lib/errors.js';
import type { Executor } from '../store/database.js';
import { type ClassifierRow, findClassifier, resolveVersion, type VersionRow } from './classifiers.js';
import type { Actor } from './context.js';
import {
  type ClassifierRef,
  type ClassifyConfig,
  ClassifyConfigSchema,
  type ClassifyOverrideConfig,
} from './schemas.js';

/** The engine version echoed as `baseVersion` when the caller leaves it out. */
export const ENGINE_VERSION = '1.0.0';

export interface ResolvedConfig {
  config: ClassifyConfig;
  classifier: ClassifierRow | null;
  version: VersionRow | null;
}

/** overrideConfig is a partial config merged over the saved one; advancedOptions and parseConfig merge one level deeper. */
export function mergeOverride(base: ClassifyConfig, o: ClassifyOverrideConfig | undefined): ClassifyConfig {
  if (!o) return base;
  const merged: ClassifyConfig = { ...base };
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined) continue;
    const prev = (base as Record<string, unknown>)[key];
    const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    (merged as Record<string, unknown>)[key] =
      (key === 'advancedOptions' || key === 'parseConfig') && isObj(prev) && isObj(value)
        ? { ...(prev as object), ...(value as object) }
        : value;
  }
  return merged;
}

export function withDefaults(config: ClassifyConfig): ClassifyConfig {
  return {
    ...config,
    baseProcessor: config.baseProcessor ?? 'classification_performance',
    baseVersion: config.baseVersion ?? ENGINE_VERSION,
  };
}

/** Exactly one of classifier / config (spec §3.3), version resolution, and the merged config re-validated. */
export async function resolveRunConfig(
  ex: Executor,
  actor: Actor,
  req: { classifier?: ClassifierRef | undefined; config?: ClassifyConfig | undefined },
): Promise<ResolvedConfig> {
  if (req.classifier && req.config)
    throw invalid('Provide only one of classifier or config, not both', 'classifier');
  if (!req.classifier && !req.config)
    throw invalid('One of classifier or config must be provided', 'classifier');
  if (req.config) return { config: withDefaults(req.config), classifier: null, version: null };
  const ref = req.classifier as ClassifierRef;
  const classifier = await findClassifier(ex, actor, ref.id);
  if (!classifier) throw notFound('Classifier', ref.id);
  const version = await resolveVersion(ex, classifier, ref.version, 'classifier.version');
  const merged = mergeOverride(JSON.parse(version.config) as ClassifyConfig, ref.overrideConfig);
  const checked = ClassifyConfigSchema.safeParse(merged);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw invalid(
      issue?.message ?? 'invalid config',
      ['classifier', 'overrideConfig', ...(issue?.path ?? [])].join('.'),
    );
  }
  return { config: withDefaults(checked.data), classifier, version };
}
