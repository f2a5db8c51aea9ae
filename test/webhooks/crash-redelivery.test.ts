import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExtendClient } from 'extend-ai';
import { afterAll, describe, expect, it } from 'vitest';
import { newApiKeySecret } from '../../src/lib/ids.js';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import { type BackendName, backends, dropSchema, pgTestUrl, uniqueSchema } from '../support/backends.js';
import {
  alive,
  type Child,
  childApi,
  children,
  createSchema,
  startChild,
  stopChild,
  withSearchPath,
} from '../support/child-server.js';
import { BASIC_CONFIG, waitFor } from '../support/test-server.js';
import { startReceiver } from './receiver.js';

/**
 * At least once across a crash: `docsort serve` is SIGKILLed while deliveries are in flight to a slow
 * receiver; a second process on the same database delivers every event, the interrupted ones again
 * with the same eventId, once their lease lapses.
 */
const EVENTS = 24;
const HOLD_MS = 1000;
// Generous, so a loaded machine does not turn slow answers into timeouts; the lease is this + 5 s.
const TIMEOUT_MS = 5000;

afterAll(() => {
  for (const proc of children) if (alive(proc)) proc.kill('SIGKILL');
  children.clear();
});

describe.each(backends())('webhook redelivery after SIGKILL (%s)', (backend: BackendName) => {
  it('delivers every event at least once, with the same eventId, after a crash mid-delivery', {
    timeout: 90_000,
  }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-webhook-crash-'));
    const schema = backend === 'postgres' ? uniqueSchema() : null;
    const apiKey = newApiKeySecret();
    const receiver = await startReceiver(() => ({ status: 200, delayMs: HOLD_MS }));
    const running: Child[] = [];
    let database: DatabaseHandle | null = null;
    try {
      if (schema) await createSchema(schema);
      const env: Record<string, string> = {
        DOCSORT_API_KEY: apiKey,
        DOCSORT_DATA_DIR: dataDir,
        DOCSORT_LOG_LEVEL: 'warn',
        DOCSORT_ALLOW_PRIVATE_NETWORK: 'true',
        DOCSORT_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
        DOCSORT_WEBHOOK_POLL_MS: '50',
        ...(schema ? { DATABASE_URL: withSearchPath(pgTestUrl(), schema) } : {}),
      };
      const first = await startChild(env);
      running.push(first);
      const client = new ExtendClient({ token: apiKey, baseUrl: first.url });
      const endpoint = await client.webhookEndpoints.create({
        url: receiver.url('/crash'),
        name: 'crash',
        enabledEvents: ['classifier.created'],
        apiVersion: '2026-02-09',
      });
      for (let i = 0; i < EVENTS; i++) {
        const res = await childApi(first.url, apiKey, 'POST', '/classifiers', {
          name: `Crash ${i}`,
          config: BASIC_CONFIG,
        });
        expect(res.status).toBe(200);
      }
      await waitFor(async () => receiver.inFlight('/crash') >= 2, 20_000, 'two deliveries in flight');
      await stopChild(first, 'SIGKILL');
      running.pop();
      expect(first.proc.signalCode).toBe('SIGKILL');
      // What the receiver had been handed but never answered: the dying process's in-flight attempts.
      await waitFor(async () => receiver.inFlight('/crash') === 0, 5000, 'the killed connections to close');
      const acknowledgedAtKill = new Set(receiver.acknowledged.map((r) => r.json.eventId as string));
      const cut = receiver.received
        .map((r) => r.json.eventId as string)
        .filter((id) => !acknowledgedAtKill.has(id));
      expect(cut.length).toBeGreaterThanOrEqual(2);
      expect(acknowledgedAtKill.size).toBeLessThan(EVENTS);

      const second = await startChild(env);
      running.push(second);
      const eventIds = await waitFor(
        async () => {
          const events = await childApi(
            second.url,
            apiKey,
            'GET',
            `/webhook_endpoints/${endpoint.id}/deliveries?maxPageSize=1000`,
          );
          const ids = (events.body.data as { eventId: string }[]).map((d) => d.eventId);
          return ids.length === EVENTS ? ids : undefined;
        },
        20_000,
        'every event routed',
      );
      try {
        await waitFor(
          async () => eventIds.every((id) => receiver.acknowledged.some((r) => r.json.eventId === id)),
          60_000,
          'every event acknowledged by the receiver',
        );
      } catch (err) {
        throw new Error(`${String(err)}\nserver output:\n${second.output()}`);
      }
      for (const id of cut) {
        const copies = receiver.of(id);
        expect(copies.length, `${id} was cut by the kill and sent again`).toBeGreaterThanOrEqual(2);
        expect(new Set(copies.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
      }
      await stopChild(second, 'SIGTERM');
      running.pop();

      database = await openDatabase(
        schema
          ? { kind: 'postgres', url: pgTestUrl() }
          : { kind: 'sqlite', file: path.join(dataDir, 'docsort.sqlite') },
        schema ? { pgSchema: schema, poolSize: 2 } : {},
      );
      const rows = await database.db
        .selectFrom('webhook_deliveries')
        .select(['event_id', 'status'])
        .execute();
      expect(rows).toHaveLength(EVENTS);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(EVENTS);
      for (const r of rows) expect(r.status, r.event_id).toBe('succeeded');
      const unrouted = await database.db.selectFrom('events').select('seq').where('routed', '=', 0).execute();
      expect(unrouted).toEqual([]);
      console.info(
        `[webhook crash ${backend}] ${acknowledgedAtKill.size}/${EVENTS} acknowledged before SIGKILL, ` +
          `${cut.length} cut mid-delivery and sent again; ${receiver.received.length} requests in all`,
      );
    } finally {
      for (const child of running) await stopChild(child, 'SIGKILL');
      await database?.close();
      await receiver.close();
      if (schema) await dropSchema(schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
