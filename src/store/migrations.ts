import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { webhooksMigration } from './migration-0002-webhooks.js';
import { evaluationMigration } from './migration-0003-evaluation.js';
import { trainingExcerptsMigration } from './migration-0004-training-excerpts.js';

/**
 * Migrations live in code so the compiled server carries them; both dialects run the same ones.
 * Never edit a released migration: add a new one.
 */
type Dialect = 'sqlite' | 'postgres';

export const migrations = (dialect: Dialect): Record<string, Migration> => ({
  '0001_core': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('workspaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text')
        .addColumn('mime_type', 'text')
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('parent_file_id', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('password', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('files_ws_created')
        .on('files')
        .columns(['workspace_id', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('parse_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('failure_reason', 'text')
        .addColumn('failure_message', 'text')
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('config_key', 'text', (c) => c.notNull())
        .addColumn('output', 'text')
        .addColumn('page_count', 'integer')
        .addColumn('processing_time_ms', 'integer')
        .addColumn('usage', 'text')
        .addColumn('metadata', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('batch_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('parse_runs_ws_created')
        .on('parse_runs')
        .columns(['workspace_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('parse_runs_file')
        .on('parse_runs')
        .columns(['file_id', 'config_key'])
        .execute();

      await db.schema
        .createTable('classifiers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      await db.schema
        .createIndex('classifiers_ws_updated')
        .on('classifiers')
        .columns(['workspace_id', 'updated_at', 'id'])
        .execute();

      await db.schema
        .createTable('classifier_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('classifier_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('major', 'integer')
        .addColumn('minor', 'integer')
        .addColumn('description', 'text')
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('classifier_versions_number', ['classifier_id', 'version'])
        .execute();

      await db.schema
        .createTable('classify_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('classifier_id', 'text')
        .addColumn('classifier_version_id', 'text')
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('file_id', 'text')
        .addColumn('file_input', 'text')
        .addColumn('file_name', 'text')
        .addColumn('parse_run_id', 'text')
        .addColumn('output', 'text')
        .addColumn('initial_output', 'text')
        .addColumn('reviewed_output', 'text')
        .addColumn('reviewed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('edited', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failure_reason', 'text')
        .addColumn('failure_message', 'text')
        .addColumn('metadata', 'text')
        .addColumn('usage', 'text')
        .addColumn('batch_id', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('classify_runs_ws_updated')
        .on('classify_runs')
        .columns(['workspace_id', 'updated_at', 'id'])
        .execute();
      await db.schema
        .createIndex('classify_runs_ws_created')
        .on('classify_runs')
        .columns(['workspace_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('classify_runs_batch')
        .on('classify_runs')
        .columns(['batch_id', 'status'])
        .execute();
      await db.schema
        .createIndex('classify_runs_classifier')
        .on('classify_runs')
        .columns(['classifier_id', 'updated_at'])
        .execute();

      await db.schema
        .createTable('batch_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('processor', 'text', (c) => c.notNull())
        .addColumn('classifier_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text')
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('lease_expires_at', 'text')
        .addColumn('locked_by', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_ready').on('jobs').columns(['priority', 'run_at']).execute();

      // seq orders events written in the same millisecond; the webhook dispatcher reads by it.
      await db.schema
        .createTable('events')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('events_ws_created')
        .on('events')
        .columns(['workspace_id', 'created_at', 'id'])
        .execute();
      await db.schema.createIndex('events_resource').on('events').columns(['resource_id']).execute();
    },
  },
  '0002_webhooks': webhooksMigration,
  '0003_evaluation': evaluationMigration(dialect),
  '0004_training_excerpts': trainingExcerptsMigration,
});

/**
 * `schema` names the PostgreSQL schema that holds Kysely's own migration tables; without it Kysely
 * may find those tables in another schema of the same database and skip creating its own.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect, schema?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return;
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    // Kysely looks for its bookkeeping tables by listing the tables of every schema in the database; a schema
    // another process drops meanwhile (another instance's, a test's) fails that listing. Nothing was migrated
    // then (no migration ran: `failed` is unset), so asking again is safe.
    const otherSchemaVanished =
      !failed && /schema "[^"]+" does not exist/.test(reason) && !reason.includes(`"${schema}"`);
    if (!otherSchemaVanished || attempt >= MIGRATION_ATTEMPTS) {
      throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

const MIGRATION_ATTEMPTS = 10;
