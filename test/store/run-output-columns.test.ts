import { type Kysely, Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, migrations } from '../../src/store/migrations.js';
import { outputColumns, withOutputColumns } from '../../src/store/run-output-columns.js';
import { backends } from '../support/backends.js';
import { openUnmigrated } from '../support/unmigrated-database.js';

describe('output columns', () => {
  it('copies type and confidence out of the output JSON, nulls without output', () => {
    const output = JSON.stringify({ id: 'inv', type: 'invoice', confidence: 0.42, insights: [] });
    expect(outputColumns(output)).toEqual({ output_type: 'invoice', output_confidence: 0.42 });
    expect(outputColumns(null)).toEqual({ output_type: null, output_confidence: null });
    expect(withOutputColumns({ status: 'FAILED', output: null })).toEqual({
      status: 'FAILED',
      output: null,
      output_type: null,
      output_confidence: null,
    });
    // A patch that does not write output leaves the columns alone.
    const noOutput: { status: string; output?: string | null } = { status: 'FAILED' };
    expect(withOutputColumns(noOutput)).toEqual({ status: 'FAILED' });
  });
});

describe.each(backends())('migration 0003 backfills the output columns (%s)', (backend) => {
  it('fills output_type and output_confidence of runs written before it, and leaves runs without output null', async () => {
    const { db, schema, cleanup } = await openUnmigrated(backend);
    try {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => migrations(backend) },
        ...(schema ? { migrationTableSchema: schema } : {}),
      });
      const before = await migrator.migrateTo('0002_webhooks');
      expect(before.error).toBeUndefined();
      const row = (id: string, output: string | null) => ({
        id,
        workspace_id: 'ws_1',
        status: output ? 'PROCESSED' : 'FAILED',
        config: '{}',
        output,
        reviewed: 0,
        edited: 0,
        source: 'API',
        priority: 50,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      });
      const old = db as unknown as Kysely<{ classify_runs: ReturnType<typeof row> }>;
      await old
        .insertInto('classify_runs')
        .values([
          row('clr_a', JSON.stringify({ id: 'inv', type: 'invoice', confidence: 0.375, insights: [] })),
          row('clr_b', null),
        ])
        .execute();

      await migrateToLatest(db as Kysely<unknown>, backend, schema);
      const rows = await db
        .selectFrom('classify_runs')
        .select(['id', 'output_type', 'output_confidence'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 'clr_a', output_type: 'invoice', output_confidence: 0.375 },
        { id: 'clr_b', output_type: null, output_confidence: null },
      ]);
    } finally {
      await cleanup();
    }
  });
});
