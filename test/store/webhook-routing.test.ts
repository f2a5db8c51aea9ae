import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import { recordEvent } from '../../src/store/events.js';
import { claimDeliveries } from '../../src/store/webhook-deliveries.js';
import { routeEvents } from '../../src/store/webhook-routing.js';
import { type BackendName, backends, dropSchema, pgTestUrl, uniqueSchema } from '../support/backends.js';

/**
 * Routing and claiming contracts on each real database, with two handles on the same database
 * standing in for two processes: each event becomes exactly one delivery per endpoint, and each due
 * delivery is claimed by exactly one dispatcher.
 */
async function openTwo(backend: BackendName) {
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-routing-'));
    const file = path.join(dir, 'r.sqlite');
    const a = await openDatabase({ kind: 'sqlite', file });
    const b = await openDatabase({ kind: 'sqlite', file });
    return { a, b, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = uniqueSchema();
  const a = await openDatabase({ kind: 'postgres', url: pgTestUrl() }, { pgSchema: schema, poolSize: 6 });
  const b = await openDatabase({ kind: 'postgres', url: pgTestUrl() }, { pgSchema: schema, poolSize: 6 });
  return { a, b, cleanup: () => dropSchema(schema) };
}

describe.each(backends())('webhook routing and claiming (%s)', (backend) => {
  let a: DatabaseHandle;
  let b: DatabaseHandle;
  let cleanup: () => Promise<void>;
  const t0 = new Date('2026-01-01T00:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    ({ a, b, cleanup } = await openTwo(backend));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cleanup?.();
  });

  async function reset() {
    for (const table of [
      'webhook_deliveries',
      'webhook_endpoints',
      'webhook_subscriptions',
      'events',
    ] as const) {
      await a.db.deleteFrom(table).execute();
    }
  }

  async function endpoint(id: string, events: string[], opts: { workspace?: string; createdAt?: Date } = {}) {
    const iso = (opts.createdAt ?? t0).toISOString();
    await a.db
      .insertInto('webhook_endpoints')
      .values({
        id,
        workspace_id: opts.workspace ?? 'ws_1',
        url: 'https://hooks.example.test/x',
        name: id,
        status: 'enabled',
        enabled_events: JSON.stringify(events),
        api_version: '2026-02-09',
        advanced_options: null,
        disabled_reason: null,
        failing_since: null,
        created_by: null,
        created_at: iso,
        updated_at: iso,
      })
      .execute();
  }

  /** Route until nothing is left, tolerating SQLite's "database is busy" between the two handles. */
  async function drain(h: DatabaseHandle, now: Date) {
    for (;;) {
      try {
        const n = await routeEvents(h.db, { dialect: h.dialect, now, firstDelayMs: 0, limit: 25 });
        if (n === 0) return;
      } catch (err) {
        if (!/busy|locked/i.test(String(err))) throw err;
      }
    }
  }

  it('two concurrent routers make exactly one delivery per event and matching endpoint', async () => {
    await reset();
    await endpoint('wh_all', ['classifier.created', 'classify_run.processed']);
    await endpoint('wh_runs', ['classify_run.processed']);
    await endpoint('wh_other_ws', ['classifier.created'], { workspace: 'ws_2' });
    await endpoint('wh_late', ['classifier.created'], { createdAt: at(60_000) });
    await a.db
      .insertInto('webhook_subscriptions')
      .values({
        id: 'whes_1',
        workspace_id: 'ws_1',
        endpoint_id: 'wh_sub',
        resource_type: 'classifier',
        resource_id: 'cl_x',
        enabled_events: JSON.stringify(['classify_run.processed']),
        created_at: t0.toISOString(),
        updated_at: t0.toISOString(),
      })
      .execute();
    await endpoint('wh_sub', []);
    for (let i = 0; i < 150; i++) {
      await recordEvent(
        a.db,
        at(i),
        'ws_1',
        i % 2 ? 'classify_run.processed' : 'classifier.created',
        `r${i}`,
        { i },
        i % 3 ? 'cl_x' : null,
      );
    }
    await Promise.all([drain(a, at(1000)), drain(b, at(1000)), drain(a, at(1000)), drain(b, at(1000))]);
    const rows = await a.db.selectFrom('webhook_deliveries').select(['event_id', 'endpoint_id']).execute();
    const count = (endpointId: string) => rows.filter((r) => r.endpoint_id === endpointId).length;
    expect(count('wh_all')).toBe(150);
    expect(count('wh_runs')).toBe(75);
    expect(count('wh_other_ws')).toBe(0);
    // Created after every one of these events: it gets none of them.
    expect(count('wh_late')).toBe(0);
    // Odd i are classify_run.processed; those with i % 3 !== 0 are about cl_x.
    const expectedSub = Array.from({ length: 150 }, (_, i) => i).filter(
      (i) => i % 2 === 1 && i % 3 !== 0,
    ).length;
    expect(count('wh_sub')).toBe(expectedSub);
    expect(new Set(rows.map((r) => `${r.event_id}/${r.endpoint_id}`)).size).toBe(rows.length);
    const unrouted = await a.db.selectFrom('events').select('seq').where('routed', '=', 0).execute();
    expect(unrouted).toEqual([]);
  });

  it('an event whose transaction commits after a later one is still routed (no cursor gap)', async () => {
    await reset();
    await endpoint('wh_all', ['classifier.created']);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted: () => void = () => {};
    const insertedSignal = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // A takes the lower seq and commits last.
    const slow = a.db.transaction().execute(async (trx) => {
      await recordEvent(trx, at(1), 'ws_1', 'classifier.created', 'early', {});
      inserted();
      await held;
    });
    await insertedSignal;
    if (backend === 'postgres') {
      await recordEvent(b.db, at(2), 'ws_1', 'classifier.created', 'late', {});
      expect(await routeEvents(b.db, { dialect: b.dialect, now: at(3), firstDelayMs: 0 })).toBe(1);
    }
    release();
    await slow;
    await drain(b, at(4));
    const routed = await b.db.selectFrom('events').select(['resource_id', 'routed']).orderBy('seq').execute();
    expect(routed.every((r) => r.routed === 1)).toBe(true);
    const deliveries = await b.db.selectFrom('webhook_deliveries').select('event_id').execute();
    expect(deliveries).toHaveLength(routed.length);
  });

  it('each due delivery is claimed by exactly one dispatcher, never one of a disabled endpoint', async () => {
    await reset();
    await endpoint('wh_a', ['classifier.created']);
    await endpoint('wh_b', ['classifier.created']);
    await endpoint('wh_off', ['classifier.created']);
    for (let i = 0; i < 20; i++) await recordEvent(a.db, at(i), 'ws_1', 'classifier.created', `r${i}`, {});
    await drain(a, at(100));
    await a.db
      .updateTable('webhook_endpoints')
      .set({ status: 'disabled' })
      .where('id', '=', 'wh_off')
      .execute();
    const claimed: string[] = [];
    await Promise.all(
      [a, b, a, b].map(async (h, w) => {
        for (;;) {
          let rows: Awaited<ReturnType<typeof claimDeliveries>> = [];
          try {
            rows = await claimDeliveries(h.db, h.dialect, {
              workerId: `d${w}`,
              now: at(200),
              leaseMs: 60_000,
              limit: 3,
              endpointCap: 100,
              inFlight: new Map(),
            });
          } catch (err) {
            if (/busy|locked/i.test(String(err))) continue;
            throw err;
          }
          if (rows.length === 0) {
            // Candidates another claimer took first are skipped; stop only when none are left at all.
            const left = await h.db
              .selectFrom('webhook_deliveries')
              .select('id')
              .where('lease_expires_at', 'is', null)
              .where('endpoint_id', '!=', 'wh_off')
              .execute();
            if (left.length === 0) return;
            continue;
          }
          for (const d of rows) claimed.push(`${d.endpoint_id}/${d.id}`);
        }
      }),
    );
    expect(claimed).toHaveLength(40);
    expect(new Set(claimed).size).toBe(40);
    expect(claimed.some((c) => c.startsWith('wh_off/'))).toBe(false);
    // Leased: nothing more until the lease lapses.
    const again = { workerId: 'x', leaseMs: 60_000, limit: 100, endpointCap: 100, inFlight: new Map() };
    expect(await claimDeliveries(a.db, a.dialect, { ...again, now: at(300) })).toEqual([]);
  });

  it('claims at most the per-endpoint cap, counting what this process already has in flight', async () => {
    const opts = (inFlight: Map<string, number>) => ({
      workerId: 'y',
      now: at(120_000),
      leaseMs: 60_000,
      limit: 100,
      endpointCap: 3,
      inFlight,
    });
    const first = await claimDeliveries(a.db, a.dialect, opts(new Map([['wh_a', 1]])));
    const per = (rows: { endpoint_id: string }[], id: string) =>
      rows.filter((r) => r.endpoint_id === id).length;
    expect(per(first, 'wh_a')).toBe(2);
    expect(per(first, 'wh_b')).toBe(3);
    const second = await claimDeliveries(a.db, a.dialect, opts(new Map([['wh_a', 3]])));
    expect(per(second, 'wh_a')).toBe(0);
    expect(per(second, 'wh_b')).toBe(3);
    expect(new Set([...first, ...second].map((r) => r.id)).size).toBe(first.length + second.length);
  });
});
