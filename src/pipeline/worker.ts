import { CLASSIFY_JOB } from '../core/classify-runs.js';
import type { CoreDeps } from '../core/context.js';
import { PARSE_JOB } from '../core/parse-runs.js';
import { LEARN_JOB, learnExample } from '../core/training-examples.js';
import { randomToken } from '../lib/ids.js';
import { claimJob, completeJob, extendLease, type Job, retryJob } from '../store/job-queue.js';
import { failRun } from './finish-run.js';
import { processClassifyRun } from './process-classify-run.js';
import { failParseRun, processParseRun } from './process-parse-run.js';

export interface WorkerOptions {
  concurrency: number;
  leaseMs: number;
  /** How often an idle worker looks for jobs queued by other processes. */
  pollMs?: number;
  log?: { error(obj: unknown, msg?: string): void; warn(obj: unknown, msg?: string): void };
}

/** The job catalogue: one handler per job kind. */
type Handler = (deps: CoreDeps, job: Job) => Promise<void>;
const handlers: Record<string, Handler> = {
  [CLASSIFY_JOB]: (deps, job) => processClassifyRun(deps, String(job.payload.runId)),
  [PARSE_JOB]: (deps, job) => processParseRun(deps, String(job.payload.parseRunId)),
  [LEARN_JOB]: (deps, job) =>
    learnExample(deps, {
      fileId: String(job.payload.fileId),
      classifierId: String(job.payload.classifierId),
    }),
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

  private async loop(): Promise<void> {
    while (this.running) {
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
        await completeJob(this.deps.db, job.id);
        return;
      }
      const handler = handlers[job.kind];
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(this.deps, job);
      await completeJob(this.deps.db, job.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.opts.log?.error({ err, jobId: job.id, kind: job.kind }, 'job failed');
      try {
        if (job.attempts >= job.maxAttempts) {
          await giveUp(this.deps, job, `Internal error while processing: ${message}`);
          await completeJob(this.deps.db, job.id);
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
