import { type Kysely, Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, migrations } from '../../src/store/migrations.js';
import { backends } from '../support/backends.js';
import { openUnmigrated } from '../support/unmigrated-database.js';

describe.each(backends())('migration 0004 adds training excerpts (%s)', (backend) => {
  it('keeps the features stored before it, without an excerpt, and stores excerpts after it', async () => {
    const { db, schema, cleanup } = await openUnmigrated(backend);
    try {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => migrations(backend) },
        ...(schema ? { migrationTableSchema: schema } : {}),
      });
      const before = await migrator.migrateTo('0003_evaluation');
      expect(before.error).toBeUndefined();
      const row = (fileId: string) => ({
        file_id: fileId,
        features_key: 'key-1',
        workspace_id: 'ws_1',
        terms: JSON.stringify({ invoic: 2 }),
        word_count: 2,
        created_at: '2026-01-01T00:00:00.000Z',
      });
      const old = db as unknown as Kysely<{ training_features: ReturnType<typeof row> }>;
      await old.insertInto('training_features').values(row('file_old')).execute();

      await migrateToLatest(db as Kysely<unknown>, backend, schema);
      await db
        .insertInto('training_features')
        .values({ ...row('file_new'), excerpt: 'INVOICE No. 1 Bill to: Acme' })
        .execute();
      const rows = await db
        .selectFrom('training_features')
        .select(['file_id', 'terms', 'excerpt'])
        .orderBy('file_id')
        .execute();
      expect(rows).toEqual([
        { file_id: 'file_new', terms: '{"invoic":2}', excerpt: 'INVOICE No. 1 Bill to: Acme' },
        { file_id: 'file_old', terms: '{"invoic":2}', excerpt: null },
      ]);
    } finally {
      await cleanup();
    }
  });
});
