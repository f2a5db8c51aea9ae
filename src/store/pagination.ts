import { createHash } from 'node:crypto';
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { invalid } from '../lib/errors.js';
import type { Database } from './schema.js';

/**
 * Keyset pagination with opaque tokens (spec §2): the token carries the sort key of the last row
 * and a fingerprint of the query, so a token used with other filters is refused instead of
 * silently skipping rows.
 */
export interface PageRequest {
  nextPageToken?: string | undefined;
  maxPageSize: number;
  sortDir: 'asc' | 'desc';
}

interface Cursor {
  v: string;
  id: string;
  f: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.v, c.id, c.f])).toString('base64url');
}

export function decodeCursor(token: string, fingerprint: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((x) => typeof x === 'string')) {
      const [v, id, f] = parsed as [string, string, string];
      if (f !== fingerprint) throw invalid('nextPageToken was issued for a different query', 'nextPageToken');
      return { v, id, f };
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'ApiError') throw err;
  }
  throw invalid('nextPageToken is not a valid page token', 'nextPageToken');
}

/** Binds a page token to its query: a digest, so that every filter counts however long the others are. */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

/**
 * Apply ordering, the cursor condition and a limit of pageSize + 1 (the extra row tells whether a
 * next page exists).
 */
export function paginate<T extends keyof Database, O>(
  query: SelectQueryBuilder<Database, T, O>,
  table: T,
  column: string,
  page: PageRequest,
  fp: string,
): SelectQueryBuilder<Database, T, O> {
  const col = sql.ref(`${table}.${column}`);
  const idCol = sql.ref(`${table}.id`);
  let q = query;
  if (page.nextPageToken) {
    const c = decodeCursor(page.nextPageToken, fp);
    const op = page.sortDir === 'desc' ? sql`<` : sql`>`;
    q = q.where(
      (_eb: ExpressionBuilder<Database, T>) =>
        sql<boolean>`(${col} ${op} ${c.v} or (${col} = ${c.v} and ${idCol} ${op} ${c.id}))`,
    );
  }
  const dir = page.sortDir === 'desc' ? sql`desc` : sql`asc`;
  return q
    .orderBy(sql`${col} ${dir}`)
    .orderBy(sql`${idCol} ${dir}`)
    .limit(page.maxPageSize + 1);
}

export function pageResult<R extends { id: string }, Out>(
  rows: R[],
  page: PageRequest,
  sortValue: (row: R) => string,
  fp: string,
  map: (row: R) => Out,
): { object: 'list'; data: Out[]; nextPageToken?: string } {
  const hasMore = rows.length > page.maxPageSize;
  const pageRows = hasMore ? rows.slice(0, page.maxPageSize) : rows;
  const last = pageRows[pageRows.length - 1];
  const out: { object: 'list'; data: Out[]; nextPageToken?: string } = {
    object: 'list',
    data: pageRows.map(map),
  };
  if (hasMore && last) out.nextPageToken = encodeCursor({ v: sortValue(last), id: last.id, f: fp });
  return out;
}
