import type { CoreDeps } from '../core/context.js';
import { randomToken } from '../lib/ids.js';
import { claimDeliveries, type DeliveryRow } from '../store/webhook-deliveries.js';
import { routeEvents } from '../store/webhook-routing.js';
import { AttemptWriter } from './attempt-writer.js';
import { deliverOnce } from './deliver.js';
import { withJitter } from './retry-schedule.js';

export interface DispatcherOptions {
  /** Deliveries in flight in this process. */
  concurrency: number;
  /** Deliveries in flight to one endpoint from this process: a slow endpoint holds at most this many slots. */
  endpointConcurrency: number;
  /** How often an idle dispatcher looks for new events and due retries. */
  pollMs: number;
  log?: { error(obj: unknown, msg?: string): void };
  random?: () => number;
}

/**
 * The webhook dispatcher: routes new events (the outbox rows) into deliveries, then claims due
 * deliveries with a lease and sends them, many at once but never more than `endpointConcurrency` to
 * one endpoint, so a slow receiver cannot starve the others. All state is in the database; several
 * processes can run one each.
 */
export class WebhookDispatcher {
  readonly id = `dispatcher_${randomToken(10)}`;
  private running = false;
  private loopDone: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private offQueued: (() => void) | null = null;
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Map<string, number>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly writer: AttemptWriter;

  constructor(
    private readonly deps: CoreDeps,
    private readonly opts: DispatcherOptions,
  ) {
    this.writer = new AttemptWriter(deps.db);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // A hint only (a retry or replay was queued in this process); polling covers everything else.
    this.offQueued = this.deps.notifier.onJobQueued(() => this.wake?.());
    this.loopDone = this.loop();
  }

  /** Stop claiming, abandon attempts in flight (their deliveries are released for the next process) and wait. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.offQueued?.();
    this.shutdown.abort();
    this.wake?.();
    await this.loopDone;
    await Promise.allSettled([...this.tasks]);
  }

  /** Deliveries this process is sending right now. */
  get busy(): number {
    return this.tasks.size;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let progressed = false;
      try {
        const schedule = this.deps.config.webhooks.retryScheduleMs;
        const routed = await routeEvents(this.deps.db, {
          dialect: this.deps.dialect,
          now: this.deps.clock.now(),
          firstDelayMs: withJitter(schedule[0] ?? 0, this.opts.random),
        });
        progressed = routed > 0;
      } catch (err) {
        this.opts.log?.error({ err }, 'routing webhook events failed');
      }
      try {
        if (await this.fill()) progressed = true;
      } catch (err) {
        this.opts.log?.error({ err }, 'claiming a webhook delivery failed');
      }
      if (!progressed && this.running) await this.idle();
    }
  }

  /** Claim due deliveries until every slot is busy or nothing is due; true when something started. */
  private async fill(): Promise<boolean> {
    let started = false;
    while (this.running && this.tasks.size < this.opts.concurrency) {
      const claimed = await claimDeliveries(this.deps.db, this.deps.dialect, {
        workerId: this.id,
        now: this.deps.clock.now(),
        // Outlives the request's own timeout, so a live attempt is never claimed twice.
        leaseMs: this.deps.config.webhooks.timeoutMs + 5000,
        limit: this.opts.concurrency - this.tasks.size,
        endpointCap: this.opts.endpointConcurrency,
        inFlight: this.inFlight,
      });
      if (claimed.length === 0) break;
      for (const delivery of claimed) this.launch(delivery);
      started = true;
    }
    return started;
  }

  private launch(delivery: DeliveryRow): void {
    const endpointId = delivery.endpoint_id;
    this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 0) + 1);
    const task = deliverOnce(this.deps, delivery, {
      workerId: this.id,
      signal: this.shutdown.signal,
      record: (write) => this.writer.write(write),
      ...(this.opts.random ? { random: this.opts.random } : {}),
    })
      .catch((err: unknown) => {
        // The lease lapses and the delivery is tried again: at least once, never silently dropped.
        this.opts.log?.error(
          { err, deliveryId: delivery.id },
          'a webhook delivery attempt failed unexpectedly',
        );
      })
      .finally(() => {
        const left = (this.inFlight.get(endpointId) ?? 1) - 1;
        if (left > 0) this.inFlight.set(endpointId, left);
        else this.inFlight.delete(endpointId);
        this.tasks.delete(task);
        this.wake?.();
      });
    this.tasks.add(task);
  }

  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.opts.pollMs);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
    this.wake = null;
  }
}
