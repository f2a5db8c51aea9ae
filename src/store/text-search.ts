import { type RawBuilder, sql } from 'kysely';

/**
 * Case-insensitive substring match that behaves the same on SQLite and PostgreSQL, with the
 * user's % and _ taken literally.
 */
export function containsIgnoreCase(column: string, needle: string): RawBuilder<boolean> {
  const pattern = `%${needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
