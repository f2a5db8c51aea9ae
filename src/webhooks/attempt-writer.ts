import type { Db } from '../store/database.js';
import { type AttemptWrite, recordAttempts } from '../store/webhook-deliveries.js';

/**
 * Group commit for finished attempts: while one transaction is being written, the attempts that finish
 * queue up and go together in the next one. Under load that turns one commit (and fsync) per delivery
 * into one per batch; alone, an attempt is written at once. A failed write rejects its whole batch: the
 * deliveries keep their leases, which lapse, and they are sent again (at least once).
 */
export class AttemptWriter {
  private queue: { write: AttemptWrite; resolve(ok: boolean): void; reject(err: unknown): void }[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 100,
  ) {}

  /** Resolves once written: true, or false when the lease had been lost meanwhile. */
  write(write: AttemptWrite): Promise<boolean> {
    const done = new Promise<boolean>((resolve, reject) => this.queue.push({ write, resolve, reject }));
    if (!this.flushing) void this.flush();
    return done;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await recordAttempts(
            this.db,
            batch.map((b) => b.write),
          );
          for (const [i, b] of batch.entries()) b.resolve(results[i] ?? false);
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
