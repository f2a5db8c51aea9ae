import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { PRUNE_WEBHOOK_LOG_JOB, pruneExpiredWebhookLog } from '../../src/pipeline/prune-webhook-log.js';
import type { Clock } from '../../src/ports/clock.js';
import type { PruneCounts } from '../../src/store/webhook-log-retention.js';
import { backends } from '../support/backends.js';
import { BASIC_CONFIG, startTestServer, type TestServer, waitFor } from '../support/test-server.js';
import { type Receiver, startReceiver } from './receiver.js';
import { createEndpoint, deliveries, eventIdFor, offsetClock, waitForDelivery } from './support.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
// Generous: the machine may be busy with the rest of the suite.
const WAIT = 60_000;

/** Receiver paths that always fail; every other path answers 200. */
const failing = new Set(['/bad', '/held', '/bad-batch']);

async function eventExists(s: TestServer, id: string): Promise<boolean> {
  const row = await s.deps.db.selectFrom('events').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

async function attemptCount(s: TestServer, deliveryId: string): Promise<number> {
  const rows = await s.deps.db
    .selectFrom('webhook_attempts')
    .select('id')
    .where('delivery_id', '=', deliveryId)
    .execute();
  return rows.length;
}

async function count(s: TestServer, table: 'events' | 'webhook_deliveries' | 'webhook_attempts') {
  const r = await s.deps.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Wait until the recurring retention job has run by `clock` and is waiting for its next run (due after
 * `clock`'s now, not running). Moving the clock then makes it run with the new time: one that was running
 * across the move would prune by the old time and wait an hour (of the test's clock) for the next.
 */
async function pruneJobIdle(s: TestServer, clock: Clock): Promise<void> {
  await waitFor(
    async () => {
      const row = await s.deps.db
        .selectFrom('jobs')
        .select(['run_at', 'locked_by'])
        .where('kind', '=', PRUNE_WEBHOOK_LOG_JOB)
        .executeTakeFirst();
      return row !== undefined && row.locked_by === null && row.run_at > clock.now().toISOString();
    },
    WAIT,
    'the retention job to wait for its next run',
  );
}

describe('DOCSORT_WEBHOOK_LOG_RETENTION_DAYS', () => {
  it('defaults to 30 days, accepts 0 (keep forever) and refuses negative or fractional days', () => {
    expect(loadConfig({}).webhooks.logRetentionDays).toBe(30);
    expect(loadConfig({ DOCSORT_WEBHOOK_LOG_RETENTION_DAYS: '0' }).webhooks.logRetentionDays).toBe(0);
    expect(loadConfig({ DOCSORT_WEBHOOK_LOG_RETENTION_DAYS: '7' }).webhooks.logRetentionDays).toBe(7);
    for (const bad of ['-1', '1.5', 'forever']) {
      expect(() => loadConfig({ DOCSORT_WEBHOOK_LOG_RETENTION_DAYS: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ DOCSORT_WEBHOOK_LOG_RETENTION_DAYS: '-1' })).toThrow(
      /^Invalid configuration: DOCSORT_WEBHOOK_LOG_RETENTION_DAYS: /,
    );
  });
});

/**
 * The delivery log's retention with the worker's recurring job, a real receiver on loopback and a clock
 * the test moves forward by days: settled deliveries go with their attempts and events; anything still to
 * be delivered stays, whatever its age.
 */
describe.each(backends())('webhook log retention (%s)', (backend) => {
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver((r) => (failing.has(r.path) ? { status: 500 } : { status: 200 }));
  });
  afterAll(async () => {
    await receiver?.close();
  });

  describe('with the default 30 days', () => {
    let s: TestServer;
    const clock = offsetClock();

    beforeAll(async () => {
      s = await startTestServer(backend, {
        clock,
        env: {
          DOCSORT_ALLOW_PRIVATE_NETWORK: 'true',
          // Two attempts an hour apart (by the test's clock): a failure waits for its retry.
          DOCSORT_WEBHOOK_RETRY_SCHEDULE: '0,1h',
          DOCSORT_WEBHOOK_TIMEOUT_MS: '5000',
        },
      });
    });
    afterAll(async () => {
      await s?.stop();
    });

    it('deletes old settled deliveries with their attempts and events; keeps recent and undelivered ones', async () => {
      const ok = await createEndpoint(s, receiver.url('/ok'), ['classifier.created', 'classifier.deleted']);
      const bad = await createEndpoint(s, receiver.url('/bad'), ['classifier.updated']);
      const held = await createEndpoint(s, receiver.url('/held'), ['classifier.deleted']);

      // e1: delivered. e2: fails, then exhausted an hour later. e3: delivered.
      // e4: delivered to `ok`, failing to `held`, whose retry waits while `held` is disabled.
      const x = await s.api('POST', '/classifiers', { name: 'Retention X', config: BASIC_CONFIG });
      const e1 = await eventIdFor(s, x.body.id, 'classifier.created');
      expect((await s.api('POST', `/classifiers/${x.body.id}`, { name: 'Retention X2' })).status).toBe(200);
      const e2 = await eventIdFor(s, x.body.id, 'classifier.updated');
      const y = await s.api('POST', '/classifiers', { name: 'Retention Y', config: BASIC_CONFIG });
      const e3 = await eventIdFor(s, y.body.id, 'classifier.created');
      expect((await s.api('DELETE', `/classifiers/${y.body.id}`)).status).toBe(200);
      const e4 = await eventIdFor(s, y.body.id, 'classifier.deleted');

      const succeeded = (d: { status: string }) => d.status === 'succeeded';
      const d1 = await waitForDelivery(s, ok.id, e1, succeeded, WAIT);
      const d3 = await waitForDelivery(s, ok.id, e3, succeeded, WAIT);
      const d4ok = await waitForDelivery(s, ok.id, e4, succeeded, WAIT);
      await waitForDelivery(s, bad.id, e2, (d) => d.status === 'failed', WAIT);
      const d4held = await waitForDelivery(s, held.id, e4, (d) => d.status === 'failed', WAIT);
      expect(d4held.nextAttemptAt).not.toBeNull();
      expect((await s.api('POST', `/webhook_endpoints/${held.id}`, { status: 'disabled' })).status).toBe(200);

      // Past the retry's wait with its jitter (an hour, ±10 %).
      clock.advance(2 * HOUR);
      const d2 = await waitForDelivery(s, bad.id, e2, (d) => d.status === 'exhausted', WAIT);
      expect(d2.attemptCount).toBe(2);

      // A month later: the retention job comes due and runs.
      await pruneJobIdle(s, clock);
      clock.advance(31 * DAY);
      const z = await s.api('POST', '/classifiers', { name: 'Retention Z', config: BASIC_CONFIG });
      const e5 = await eventIdFor(s, z.body.id, 'classifier.created');
      const d5 = await waitForDelivery(s, ok.id, e5, succeeded, WAIT);
      await waitFor(
        async () => !(await eventExists(s, e1)) && !(await eventExists(s, e2)) && !(await eventExists(s, e3)),
        WAIT,
        'the retention job to delete the old events',
      );

      // Settled and old: gone, with their attempts, from the detail, the lists, retry and the database.
      for (const d of [d1, d2, d3, d4ok]) {
        const got = await s.api('GET', `/webhook_deliveries/${d.id}`);
        expect(got.status, d.id).toBe(404);
        expect(got.body).toMatchObject({ code: 'NOT_FOUND', retryable: false });
        expect(got.body.message).toContain(d.id);
        expect(await attemptCount(s, d.id), `attempts of ${d.id}`).toBe(0);
      }
      const retry = await s.api('POST', `/webhook_deliveries/${d2.id}/retry`);
      expect(retry.status).toBe(404);
      expect(retry.body.code).toBe('NOT_FOUND');
      expect((await deliveries(s, ok.id)).map((d) => d.id)).toEqual([d5.id]);
      expect(await deliveries(s, bad.id)).toEqual([]);
      const replay = await s.api('POST', `/webhook_endpoints/${bad.id}/replay`, {
        since: '2000-01-01T00:00:00Z',
      });
      expect(replay.body.requeued).toBe(0);

      // Recent: kept.
      expect((await s.api('GET', `/webhook_deliveries/${d5.id}`)).status).toBe(200);
      expect(await eventExists(s, e5)).toBe(true);
      // Still to be delivered, however old: the delivery, its attempt and its event (whose other, delivered
      // delivery is gone) are kept.
      const kept = await s.api('GET', `/webhook_deliveries/${d4held.id}`);
      expect(kept.status).toBe(200);
      expect(kept.body).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(kept.body.nextAttemptAt).not.toBeNull();
      expect(await attemptCount(s, d4held.id)).toBe(1);
      expect(await eventExists(s, e4)).toBe(true);

      // Nothing else is eligible: what is left is exactly what must stay.
      expect(await pruneExpiredWebhookLog(s.deps, undefined)).toEqual({
        attempts: 0,
        deliveries: 0,
        events: 0,
      });

      // The kept delivery still reaches its receiver, payload and eventId intact, once the endpoint is back.
      failing.delete('/held');
      try {
        expect((await s.api('POST', `/webhook_endpoints/${held.id}`, { status: 'enabled' })).status).toBe(
          200,
        );
        const sent = await waitForDelivery(s, held.id, e4, succeeded, WAIT);
        expect(sent.attemptCount).toBe(2);
        const got = receiver.of(e4).filter((r) => r.path === '/held' && r.json?.payload);
        expect(got.at(-1)?.json).toMatchObject({
          eventType: 'classifier.deleted',
          payload: { id: y.body.id },
        });
      } finally {
        failing.add('/held');
      }
    }, 180_000);
  });

  describe('with retention 0 (keep forever)', () => {
    let s: TestServer;
    const clock = offsetClock();

    beforeAll(async () => {
      s = await startTestServer(backend, {
        clock,
        env: {
          DOCSORT_ALLOW_PRIVATE_NETWORK: 'true',
          DOCSORT_WEBHOOK_RETRY_SCHEDULE: '0,100ms',
          DOCSORT_WEBHOOK_TIMEOUT_MS: '5000',
          DOCSORT_WEBHOOK_LOG_RETENTION_DAYS: '0',
        },
      });
    });
    afterAll(async () => {
      await s?.stop();
    });

    it('keeps everything, however old', async () => {
      const ok = await createEndpoint(s, receiver.url('/forever'), ['classifier.created']);
      const c = await s.api('POST', '/classifiers', { name: 'Forever', config: BASIC_CONFIG });
      const eventId = await eventIdFor(s, c.body.id, 'classifier.created');
      const d = await waitForDelivery(s, ok.id, eventId, (x) => x.status === 'succeeded', WAIT);

      await pruneJobIdle(s, clock);
      clock.advance(400 * DAY);
      // It has run by the new time.
      await pruneJobIdle(s, clock);
      expect((await s.api('GET', `/webhook_deliveries/${d.id}`)).status).toBe(200);
      expect(await attemptCount(s, d.id)).toBe(1);
      expect(await eventExists(s, eventId)).toBe(true);
      expect(await pruneExpiredWebhookLog(s.deps, undefined)).toBeNull();
      // One row, however many workers inserted it.
      const rows = await s.deps.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', PRUNE_WEBHOOK_LOG_JOB)
        .execute();
      expect(rows).toHaveLength(1);
    }, 180_000);

    it('deletes in small batches until nothing eligible is left, two prunes at once included', async () => {
      const ok = await createEndpoint(s, receiver.url('/ok-batch'), ['classifier.created']);
      const bad = await createEndpoint(s, receiver.url('/bad-batch'), ['classifier.created']);
      const mine: { ok: string; bad: string; eventId: string }[] = [];
      for (let i = 0; i < 5; i++) {
        const c = await s.api('POST', '/classifiers', { name: `Batch ${i}`, config: BASIC_CONFIG });
        const eventId = await eventIdFor(s, c.body.id, 'classifier.created');
        const good = await waitForDelivery(s, ok.id, eventId, (x) => x.status === 'succeeded', WAIT);
        const gaveUp = await waitForDelivery(s, bad.id, eventId, (x) => x.status === 'exhausted', WAIT);
        mine.push({ ok: good.id, bad: gaveUp.id, eventId });
      }
      // Every delivery on this server settled (other endpoints get these events too), so all is eligible.
      await waitFor(
        async () => {
          const open = await s.deps.db
            .selectFrom('webhook_deliveries')
            .select('id')
            .where((eb) => eb.or([eb('next_attempt_at', 'is not', null), eb('locked_by', 'is not', null)]))
            .executeTakeFirst();
          return open === undefined;
        },
        WAIT,
        'every delivery to settle',
      );
      const before = {
        events: await count(s, 'events'),
        deliveries: await count(s, 'webhook_deliveries'),
        attempts: await count(s, 'webhook_attempts'),
      };

      // One day's retention seen from two days ahead: everything settled so far is past it.
      const later: Clock = { now: () => new Date(clock.now().getTime() + 2 * DAY) };
      const deps = {
        ...s.deps,
        clock: later,
        config: { ...s.deps.config, webhooks: { ...s.deps.config.webhooks, logRetentionDays: 1 } },
      };
      const lines: { obj: PruneCounts; msg: string | undefined }[] = [];
      const log = {
        info: (obj: unknown, msg?: string) => lines.push({ obj: obj as PruneCounts, msg }),
      };
      const results = await Promise.all([
        pruneExpiredWebhookLog(deps, log, 2),
        pruneExpiredWebhookLog(deps, log, 2),
      ]);
      const sum = { attempts: 0, deliveries: 0, events: 0 };
      for (const r of results) {
        expect(r).not.toBeNull();
        sum.attempts += r?.attempts ?? 0;
        sum.deliveries += r?.deliveries ?? 0;
        sum.events += r?.events ?? 0;
      }

      for (const m of mine) {
        expect((await s.api('GET', `/webhook_deliveries/${m.ok}`)).status).toBe(404);
        expect((await s.api('GET', `/webhook_deliveries/${m.bad}`)).status).toBe(404);
        expect(await attemptCount(s, m.ok)).toBe(0);
        expect(await attemptCount(s, m.bad)).toBe(0);
        expect(await eventExists(s, m.eventId)).toBe(false);
      }
      // Each row counted once, by the prune that deleted it; nothing eligible is left behind.
      expect(sum.deliveries).toBeGreaterThanOrEqual(10);
      expect(sum.attempts).toBeGreaterThanOrEqual(15);
      expect(sum.events).toBeGreaterThanOrEqual(5);
      expect(before.deliveries - (await count(s, 'webhook_deliveries'))).toBe(sum.deliveries);
      expect(before.attempts - (await count(s, 'webhook_attempts'))).toBe(sum.attempts);
      expect(before.events - (await count(s, 'events'))).toBe(sum.events);
      expect(await pruneExpiredWebhookLog(deps, log, 2)).toEqual({ attempts: 0, deliveries: 0, events: 0 });

      // One line per prune that deleted something, with its counts; none for the empty one.
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(2);
      for (const line of lines) {
        expect(line.msg).toMatch(
          /^webhook log retention \(1 days\): deleted \d+ deliveries, \d+ attempts, \d+ events$/,
        );
        expect(line.obj.deliveries + line.obj.attempts + line.obj.events).toBeGreaterThan(0);
      }
      expect(lines.reduce((n, l) => n + l.obj.deliveries, 0)).toBe(sum.deliveries);
    }, 180_000);
  });
});
