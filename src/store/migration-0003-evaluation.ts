import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Evaluation sets and their runs (spec: `/evaluation_sets`, items, `/evaluation_set_runs`), and the stored
 * features of labelled documents that classifiers learn from.
 *
 * `evaluation_set_run_items` snapshots each item's expected answer when the run starts, so editing an item
 * later does not rewrite the score of a finished run. `training_features` is keyed by file and the engine's
 * features version: retraining sums stored rows and never re-reads a file.
 */
export const evaluationMigration = (dialect: 'sqlite' | 'postgres'): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('evaluation_sets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('evaluation_sets_ws_updated')
      .on('evaluation_sets')
      .columns(['workspace_id', 'updated_at', 'id'])
      .execute();
    await db.schema
      .createIndex('evaluation_sets_entity')
      .on('evaluation_sets')
      .columns(['entity_id'])
      .execute();

    await db.schema
      .createTable('evaluation_set_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('evaluation_set_id', 'text', (c) => c.notNull())
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('expected_output', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('evaluation_set_items_set')
      .on('evaluation_set_items')
      .columns(['evaluation_set_id', 'updated_at', 'id'])
      .execute();

    await db.schema
      .createTable('evaluation_set_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('evaluation_set_id', 'text', (c) => c.notNull())
      .addColumn('classifier_id', 'text', (c) => c.notNull())
      .addColumn('classifier_version_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('item_count', 'integer', (c) => c.notNull())
      .addColumn('metrics', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('evaluation_set_runs_set')
      .on('evaluation_set_runs')
      .columns(['evaluation_set_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('evaluation_set_run_items')
      .addColumn('classify_run_id', 'text', (c) => c.primaryKey())
      .addColumn('evaluation_set_run_id', 'text', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('expected_id', 'text', (c) => c.notNull())
      .addColumn('expected_type', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('evaluation_set_run_items_run')
      .on('evaluation_set_run_items')
      .columns(['evaluation_set_run_id'])
      .execute();

    await db.schema
      .createTable('training_features')
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('features_key', 'text', (c) => c.notNull())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('terms', 'text', (c) => c.notNull())
      .addColumn('word_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('training_features_pk', ['file_id', 'features_key'])
      .execute();
    await db.schema
      .createIndex('training_features_ws_key')
      .on('training_features')
      .columns(['workspace_id', 'features_key'])
      .execute();

    // When the worker started on a run: latency without the time it waited in the queue.
    await db.schema.alterTable('classify_runs').addColumn('started_at', 'text').execute();
    await db.schema
      .createIndex('classify_runs_reviewed')
      .on('classify_runs')
      .columns(['classifier_id', 'reviewed'])
      .execute();

    // The chosen type and confidence, copied out of the `output` JSON so that GET /classify_runs can filter on
    // them with an index and list them without reading each run (the dashboard's runs list at 100,000 runs).
    await db.schema.alterTable('classify_runs').addColumn('output_type', 'text').execute();
    await db.schema.alterTable('classify_runs').addColumn('output_confidence', 'double precision').execute();
    await sql`update classify_runs set ${sql.raw(
      dialect === 'postgres'
        ? "output_type = output::json ->> 'type', output_confidence = (output::json ->> 'confidence')::double precision"
        : "output_type = json_extract(output, '$.type'), output_confidence = json_extract(output, '$.confidence')",
    )} where output is not null`.execute(db);
    // An equality filter followed by the list's sort keys: the first page is an index range read in order,
    // however rare the value.
    for (const [name, column] of [
      ['type', 'output_type'],
      ['reviewed', 'reviewed'],
      ['status', 'status'],
      ['classifier', 'classifier_id'],
    ] as const) {
      for (const sort of ['updated_at', 'created_at'] as const) {
        await db.schema
          .createIndex(`classify_runs_ws_${name}_${sort.replace('_at', '')}`)
          .on('classify_runs')
          .columns(['workspace_id', column, sort, 'id'])
          .execute();
      }
    }
    // Superseded by classify_runs_ws_classifier_updated; every index is one more write per run update.
    await db.schema.dropIndex('classify_runs_classifier').execute();
    // Filters without an index of their own (confidence, file name) walk the sort index; carrying their
    // columns in it lets SQLite test each entry before reading the row, so a filter that matches nothing
    // reads 100,000 index entries instead of 100,000 rows (about 25 ms instead of 250 ms).
    for (const sort of ['updated_at', 'created_at'] as const) {
      const name = `classify_runs_ws_${sort.replace('_at', '')}`;
      await db.schema.dropIndex(name).execute();
      await db.schema
        .createIndex(name)
        .on('classify_runs')
        .columns(['workspace_id', sort, 'id', 'output_confidence', 'file_name'])
        .execute();
    }
  },
});
