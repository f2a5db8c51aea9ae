import { CLASSIFY_JOB } from '../core/classify-runs.js';
import type { CoreDeps } from '../core/context.js';
import { PARSE_JOB } from '../core/parse-runs.js';
import { LEARN_JOB, learnExample } from '../core/training-examples.js';
import { randomToken } from '../lib/ids.js';
import {
  claimJob,
  completeJob,
  ensureRecurringJob,
  extendLease,
  type Job,
  rescheduleJob,
  retryJob,
} from '../store/job-queue.js';
import { failRun } from './finish-run.js';
import { processClassifyRun } from './process-classify-run.js';
import { failParseRun, processParseRun } from './process-parse-run.js';
import {
  PRUNE_WEBHOOK_LOG_EVERY_MS,
  PRUNE_WEBHOOK_LOG_JOB,
  pruneExpiredWebhookLog,
} from './prune-webhook-log.js';

export interface WorkerOptions {
  concurrency: number;
  leaseMs: number;
  /** How often an idle worker looks for jobs queued by other processes. */
  pollMs?: number;
  log?: WorkerLog;
}

export interface WorkerLog {
  error(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
}

/**
 * The job catalogue: one handler per job kind. A handler returns true when it deleted the job row itself,
 * in the transaction of the state change that finished it; otherwise the worker deletes it afterwards.
 */
type Handler = (deps: CoreDeps, job: Job, log: WorkerLog | undefined) => Promise<boolean | undefined>;
const handlers: Record<string, Handler> = {
  [CLASSIFY_JOB]: (deps, job) => processClassifyRun(deps, String(job.payload.runId), { jobId: job.id }),
  [PARSE_JOB]: (deps, job) => processParseRun(deps, String(job.payload.parseRunId), { jobId: job.id }),
  [LEARN_JOB]: async (deps, job) => {
    await learnExample(deps, {
      fileId: String(job.payload.fileId),
      classifierId: String(job.payload.classifierId),
    });
    return false;
  },
  [PRUNE_WEBHOOK_LOG_JOB]: async (deps, _job, log) => {
    await pruneExpiredWebhookLog(deps, log);
    return false;
  },
};

/**
 * Recurring jobs, by kind: how long after one run the next is due. Each is one row every worker inserts
 * at start (the first insert wins), so with several worker processes one runs it at a time.
 */
const recurring: Record<string, { everyMs: number; priority: number }> = {
  // Ahead of any run due (lower runs first): a queue that never drains must not put retention off for
  // ever, and a run is a few short batches once an hour.
  [PRUNE_WEBHOOK_LOG_JOB]: { everyMs: PRUNE_WEBHOOK_LOG_EVERY_MS, priority: 0 },
};

/** What to do when a job has used up its attempts (crashes, or unexpected errors every time). */
async function giveUp(deps: CoreDeps, job: Job, why: string): Promise<void> {
  if (job.kind === CLASSIFY_JOB) await failRun(deps, String(job.payload.runId), 'INTERNAL_ERROR', why);
  if (job.kind === PARSE_JOB) await failParseRun(deps, String(job.payload.parseRunId), why);
}

/**
 * Claims jobs with a lease and runs them, `concurrency` at a time. The lease is renewed while a
 * job runs; if this process dies, the lease lapses and any worker picks the job up again.
 */
export class Worker {
  readonly id = `worker_${randomToken(10)}`;
  private running = false;
  private wake: (() => void) | null = null;
  private offQueued: (() => void) | null = null;
  private loops: Promise<void>[] = [];
  private recurringScheduled = false;

  constructor(
    private readonly deps: CoreDeps,
    private readonly opts: WorkerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.offQueued = this.deps.notifier.onJobQueued(() => this.wake?.());
    this.loops = Array.from({ length: this.opts.concurrency }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.offQueued?.();
    this.wake?.();
    await Promise.all(this.loops);
  }

  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.opts.pollMs ?? 500);
      const prev = this.wake;
      this.wake = () => {
        done();
        prev?.();
      };
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Insert the recurring jobs' rows once; tried again on the next round after a failure. */
  private async scheduleRecurring(): Promise<void> {
    try {
      for (const [kind, { priority }] of Object.entries(recurring))
        await ensureRecurringJob(this.deps.db, this.deps.clock.now(), kind, { priority });
      this.recurringScheduled = true;
    } catch (err) {
      this.opts.log?.error({ err }, 'scheduling the recurring jobs failed');
    }
  }

  /** A finished job is deleted, a recurring one moved to its next run. */
  private async finish(job: Job): Promise<void> {
    const every = recurring[job.kind]?.everyMs;
    if (every === undefined) await completeJob(this.deps.db, job.id);
    else
      await rescheduleJob(this.deps.db, job.id, this.id, new Date(this.deps.clock.now().getTime() + every));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!this.recurringScheduled) await this.scheduleRecurring();
      let job: Job | null = null;
      try {
        job = await claimJob(
          this.deps.db,
          this.deps.dialect,
          this.id,
          this.deps.clock.now(),
          this.opts.leaseMs,
        );
      } catch (err) {
        this.opts.log?.error({ err }, 'claiming a job failed');
      }
      if (!job) {
        await this.idle();
        continue;
      }
      await this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    const heartbeat = setInterval(
      () => {
        const until = new Date(this.deps.clock.now().getTime() + this.opts.leaseMs);
        extendLease(this.deps.db, job.id, this.id, until).catch((err) =>
          this.opts.log?.warn({ err, jobId: job.id }, 'renewing a job lease failed'),
        );
      },
      Math.max(50, Math.floor(this.opts.leaseMs / 3)),
    );
    try {
      if (job.attempts > job.maxAttempts) {
        await giveUp(
          this.deps,
          job,
          `Processing was interrupted ${job.attempts - 1} times (the worker stopped or crashed); giving up.`,
        );
        await this.finish(job);
        return;
      }
      const handler = handlers[job.kind];
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const completed = await handler(this.deps, job, this.opts.log);
      if (!completed) await this.finish(job);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.opts.log?.error({ err, jobId: job.id, kind: job.kind }, 'job failed');
      try {
        if (job.attempts >= job.maxAttempts) {
          await giveUp(this.deps, job, `Internal error while processing: ${message}`);
          await this.finish(job);
        } else {
          const backoff = 1000 * 2 ** (job.attempts - 1);
          await retryJob(this.deps.db, job.id, new Date(this.deps.clock.now().getTime() + backoff), message);
        }
      } catch (inner) {
        this.opts.log?.error(
          { err: inner, jobId: job.id },
          'recording a job failure failed; the lease will expire and it will be retried',
        );
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}
