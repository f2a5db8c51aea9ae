import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase, relaxedCommits } from '../../src/store/database.js';
import { enqueueJob } from '../../src/store/job-queue.js';
import { preparedQuery } from '../../src/store/prepared-query.js';
import { type BackendName, backends, dropSchema, pgTestUrl, uniqueSchema } from '../support/backends.js';

async function open(backend: BackendName): Promise<{ h: DatabaseHandle; cleanup: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-helpers-'));
    const h = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'h.sqlite') });
    return { h, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = uniqueSchema();
  const h = await openDatabase({ kind: 'postgres', url: pgTestUrl() }, { pgSchema: schema, poolSize: 4 });
  return { h, cleanup: () => dropSchema(schema) };
}

const t0 = new Date('2026-01-01T00:00:00.000Z');

describe.each(backends())('query helpers (%s)', (backend) => {
  let h: DatabaseHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ h, cleanup } = await open(backend));
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  const synchronous = async () => {
    const r = await sql<{ synchronous: number }>`pragma synchronous`.execute(h.db);
    return r.rows[0]?.synchronous;
  };

  it('relaxedCommits writes and commits, transactions included, and leaves durability as it was', async () => {
    if (backend === 'sqlite') expect(await synchronous()).toBe(2); // FULL
    const id = await relaxedCommits(h.db, h.dialect, async (ex) => {
      if (backend === 'sqlite') {
        const inside = await sql<{ synchronous: number }>`pragma synchronous`.execute(ex);
        expect(inside.rows[0]?.synchronous).toBe(1); // NORMAL, for these writes only
      }
      return ex.transaction().execute((trx) => enqueueJob(trx, t0, 'relaxed', { n: 1 }));
    });
    const row = await h.db.selectFrom('jobs').select('kind').where('id', '=', id).executeTakeFirst();
    expect(row?.kind).toBe('relaxed');
    if (backend === 'sqlite') expect(await synchronous()).toBe(2);
  });

  it('relaxedCommits restores durability when its writes fail', async () => {
    await expect(
      relaxedCommits(h.db, h.dialect, async (ex) => {
        await ex
          .insertInto('jobs')
          .values({ id: 'x' } as never)
          .execute();
      }),
    ).rejects.toThrow();
    if (backend === 'sqlite') expect(await synchronous()).toBe(2);
  });

  it('preparedQuery compiles once and runs with each call own parameters, in or out of a transaction', async () => {
    await h.db.deleteFrom('jobs').execute();
    const a = await enqueueJob(h.db, t0, 'prepared', { n: 1 }, { priority: 10 });
    const b = await enqueueJob(h.db, t0, 'prepared', { n: 2 }, { priority: 20 });
    // A constant (the kind) among the markers stays a parameter of its own.
    const byId = preparedQuery((ex, p: { id: string; minPriority: number }) =>
      ex
        .selectFrom('jobs')
        .select(['id', 'priority'])
        .where('kind', '=', 'prepared')
        .where('id', '=', p.id)
        .where('priority', '>=', p.minPriority),
    );
    expect(await byId(h.db, { id: a, minPriority: 0 })).toEqual([{ id: a, priority: 10 }]);
    expect(await byId(h.db, { id: b, minPriority: 0 })).toEqual([{ id: b, priority: 20 }]);
    expect(await byId(h.db, { id: b, minPriority: 21 })).toEqual([]);
    await h.db.transaction().execute(async (trx) => {
      expect(await byId(trx, { id: a, minPriority: 10 })).toEqual([{ id: a, priority: 10 }]);
    });
  });

  it('preparedQuery refuses a value its query has no place for', async () => {
    const broken = preparedQuery((ex, _p: { id: string }) => ex.selectFrom('jobs').select('id'));
    await expect(broken(h.db, { id: 'x' })).rejects.toThrow(/parameter id is not a value/);
  });
});
