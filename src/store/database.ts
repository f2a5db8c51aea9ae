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

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
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

/** The connection's durability setting, which relaxedCommits leaves only for the writes it runs. */
const SQLITE_SYNCHRONOUS = 'FULL';

/**
 * Run bookkeeping writes whose loss in a power failure the system recovers from anyway (a job's lease, a
 * run's PROCESSING mark, a parse run written before the classify run it serves is finished) with commits
 * that do not wait for the disk. On SQLite every commit otherwise fsyncs the WAL with the event loop
 * blocked (0.3 ms on an idle disk, 0.7-2 ms under load, measured here): these run with synchronous =
 * NORMAL on the same connection. The WAL is appended in order and the next ordinary commit's fsync covers
 * all of it, so a power loss can only undo relaxed commits made after the last ordinary one, never an
 * accepted run or an event; a process crash loses nothing either way (the WAL is in the OS cache). `fn`
 * must use the executor it is given, never `db`, and the caller must not be inside a transaction: on
 * SQLite this holds the only connection. PostgreSQL runs `fn` as is (its commits wait on the server, not
 * on this event loop).
 */
export async function relaxedCommits<T>(db: Db, dialect: Dialect, fn: (ex: Db) => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return fn(db);
  return db.connection().execute(async (conn) => {
    // Only between transactions: SQLite refuses to change it inside one.
    await sql`pragma synchronous = NORMAL`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql.raw(`pragma synchronous = ${SQLITE_SYNCHRONOUS}`).execute(conn);
    }
  });
}

export async function openDatabase(config: DatabaseConfig, opts: OpenOptions = {}): Promise<DatabaseHandle> {
  if (config.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SqliteDatabase(config.file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: an accepted run survives a power loss too, not only a process crash (NORMAL would risk the last commits).
    sqlite.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
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
