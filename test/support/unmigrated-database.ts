import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/store/schema.js';
import { type BackendName, dropSchema, pgTestUrl, uniqueSchema } from './backends.js';

/** An empty database (a SQLite file, or a PostgreSQL schema of its own) for migrating step by step. */
export async function openUnmigrated(backend: BackendName) {
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-backfill-'));
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(path.join(dir, 'db.sqlite')) }),
    });
    return {
      db,
      schema: undefined,
      cleanup: async () => {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = uniqueSchema();
  const admin = new pg.Client({ connectionString: pgTestUrl() });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: pgTestUrl(), max: 2, options: `-c search_path="${schema}"` });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    schema,
    cleanup: async () => {
      await db.destroy();
      await dropSchema(schema);
    },
  };
}
