import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import {
  claimJob,
  completeJob,
  countJobs,
  enqueueJob,
  extendLease,
  retryJob,
} from '../../src/store/job-queue.js';
import { type BackendName, backends, dropSchema, pgTestUrl, uniqueSchema } from '../support/backends.js';

/** The queue's contract, run against each real database. */
async function open(backend: BackendName): Promise<{ h: DatabaseHandle; cleanup: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-queue-'));
    const h = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'q.sqlite') });
    return { h, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = uniqueSchema();
  const h = await openDatabase({ kind: 'postgres', url: pgTestUrl() }, { pgSchema: schema, poolSize: 8 });
  return { h, cleanup: () => dropSchema(schema) };
}

describe.each(backends())('job queue (%s)', (backend) => {
  let h: DatabaseHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ h, cleanup } = await open(backend));
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  const t0 = new Date('2026-01-01T00:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('hands each job to exactly one of many concurrent claimers', async () => {
    await h.db.deleteFrom('jobs').execute();
    for (let i = 0; i < 30; i++) await enqueueJob(h.db, t0, 'test', { i });
    const claimed: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (;;) {
          const job = await claimJob(h.db, h.dialect, `w${w}`, at(1), 60_000);
          if (!job) return;
          claimed.push(job.id);
        }
      }),
    );
    expect(claimed).toHaveLength(30);
    expect(new Set(claimed).size).toBe(30);
  });

  it('gives a job back once its lease has expired, and not before', async () => {
    await h.db.deleteFrom('jobs').execute();
    const id = await enqueueJob(h.db, t0, 'test', { x: 1 });
    const first = await claimJob(h.db, h.dialect, 'a', at(0), 1000);
    expect(first?.id).toBe(id);
    expect(first?.attempts).toBe(1);
    expect(await claimJob(h.db, h.dialect, 'b', at(999), 1000)).toBeNull();
    // The owner renews; the lease holds past the original expiry.
    expect(await extendLease(h.db, id, 'a', at(3000))).toBe(true);
    expect(await claimJob(h.db, h.dialect, 'b', at(2000), 1000)).toBeNull();
    const again = await claimJob(h.db, h.dialect, 'b', at(3001), 1000);
    expect(again?.id).toBe(id);
    expect(again?.attempts).toBe(2);
    // The old owner has lost it.
    expect(await extendLease(h.db, id, 'a', at(9000))).toBe(false);
  });

  it('respects priority, run_at and retries; completed jobs disappear', async () => {
    await h.db.deleteFrom('jobs').execute();
    const low = await enqueueJob(h.db, t0, 'test', { n: 'low' }, { priority: 90 });
    const high = await enqueueJob(h.db, t0, 'test', { n: 'high' }, { priority: 10 });
    const later = await enqueueJob(h.db, t0, 'test', { n: 'later' }, { priority: 1, runAt: at(10_000) });
    expect((await claimJob(h.db, h.dialect, 'w', at(1), 60_000))?.id).toBe(high);
    const second = await claimJob(h.db, h.dialect, 'w', at(1), 60_000);
    expect(second?.id).toBe(low);
    expect(second?.payload).toEqual({ n: 'low' });
    expect(await claimJob(h.db, h.dialect, 'w', at(2), 60_000)).toBeNull();
    await retryJob(h.db, low, at(5), 'boom');
    expect((await claimJob(h.db, h.dialect, 'w', at(6), 60_000))?.id).toBe(low);
    expect((await claimJob(h.db, h.dialect, 'w', at(10_001), 60_000))?.id).toBe(later);
    await completeJob(h.db, high);
    await completeJob(h.db, low);
    await completeJob(h.db, later);
    expect(await countJobs(h.db)).toBe(0);
  });

  it('a job enqueued in a rolled-back transaction never exists', async () => {
    await h.db.deleteFrom('jobs').execute();
    await expect(
      h.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, t0, 'test', { doomed: true });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await countJobs(h.db)).toBe(0);
  });
});
