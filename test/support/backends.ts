import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The backends every storage-touching test runs against: SQLite always, PostgreSQL when
 * DATABASE_URL_TEST is set. In CI a missing PostgreSQL leg is an error, not a skip.
 */
export type BackendName = 'sqlite' | 'postgres';

export function backends(): BackendName[] {
  const pgUrl = process.env.DATABASE_URL_TEST;
  if (!pgUrl && process.env.CI === 'true') {
    throw new Error(
      'DATABASE_URL_TEST must be set in CI: the PostgreSQL leg of the suite may not be skipped',
    );
  }
  return pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];
}

export function pgTestUrl(): string {
  const url = process.env.DATABASE_URL_TEST;
  if (!url) throw new Error('DATABASE_URL_TEST is not set');
  return url;
}

export function uniqueSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** Each test file works in its own schema; dropped afterwards. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgTestUrl() });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
