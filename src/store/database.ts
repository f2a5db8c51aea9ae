import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteDialectDatabase,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL schema to use (tests give each file its own); created when missing. */
  pgSchema?: string;
  poolSize?: number;
}

// int8 (bigint) comes back from pg as a string by default; our sizes fit in a double.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Kysely prepares every query anew; preparing is a measurable share of a simple GET on SQLite.
 * Statements are reusable in better-sqlite3 and Kysely runs them one at a time on its single
 * connection, so a bounded cache keyed by SQL text is safe.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 500): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        // Refresh its place: the Map's insertion order is the eviction order.
        cache.delete(text);
      } else {
        stmt = sqlite.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

export async function openDatabase(config: DatabaseConfig, opts: OpenOptions = {}): Promise<DatabaseHandle> {
  if (config.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SqliteDatabase(config.file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: an accepted run survives a power loss too, not only a process crash (NORMAL would risk the last commits).
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    // The planner needs statistics to choose among the classify_runs list indexes (without them it may walk a
    // whole workspace for one batch's page). SQLite's advice for long-lived connections: optimize with 0x10002
    // on opening, then now and then; it analyzes only tables that are new or grew a lot since.
    sqlite.pragma('optimize=0x10002');
    const optimizer = setInterval(() => {
      // Statistics only steer plans: a refresh that fails (a busy database) keeps the previous ones.
      sql`pragma optimize`.execute(db).catch(() => undefined);
    }, 3_600_000);
    optimizer.unref();
    return {
      db,
      dialect: 'sqlite',
      close: () => {
        clearInterval(optimizer);
        return db.destroy();
      },
    };
  }
  const schema = opts.pgSchema;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: config.url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: opts.poolSize ?? 10,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Kysely keeps its migration bookkeeping in the schema we work in (search_path may point elsewhere than public).
  const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  await migrateToLatest(db as Kysely<unknown>, 'postgres', schema ?? current.rows[0]?.schema ?? 'public');
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
