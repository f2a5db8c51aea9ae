import type { CoreDeps } from '../core/context.js';
import { type PruneCounts, pruneWebhookLog } from '../store/webhook-log-retention.js';

/** The recurring job that applies DOCSORT_WEBHOOK_LOG_RETENTION_DAYS (docs/webhooks.md "Retention"). */
export const PRUNE_WEBHOOK_LOG_JOB = 'prune_webhook_log';

/** How often it runs, by the injected clock. */
export const PRUNE_WEBHOOK_LOG_EVERY_MS = 3_600_000;

/** Rows per delete statement. */
export const PRUNE_BATCH_SIZE = 1000;

const DAY_MS = 86_400_000;

export interface PruneLog {
  info(obj: unknown, msg?: string): void;
}

/**
 * Delete the webhook log older than the retention; null when the retention is 0 (keep forever). One log
 * line when anything was deleted.
 */
export async function pruneExpiredWebhookLog(
  deps: Pick<CoreDeps, 'db' | 'dialect' | 'clock' | 'config'>,
  log: PruneLog | undefined,
  batchSize = PRUNE_BATCH_SIZE,
): Promise<PruneCounts | null> {
  const days = deps.config.webhooks.logRetentionDays;
  if (days === 0) return null;
  const before = new Date(deps.clock.now().getTime() - days * DAY_MS);
  const counts = await pruneWebhookLog(deps.db, { dialect: deps.dialect, before, batchSize });
  const total = counts.attempts + counts.deliveries + counts.events;
  if (total > 0) {
    log?.info(
      { ...counts, before: before.toISOString() },
      `webhook log retention (${days} days): deleted ${counts.deliveries} deliveries, ${counts.attempts} attempts, ${counts.events} events`,
    );
  }
  return counts;
}
