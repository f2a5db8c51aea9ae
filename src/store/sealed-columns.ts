import { sql } from 'kysely';
import { isSealed, SEALED_PREFIX } from '../lib/secret-box.js';
import type { Db, Executor } from './database.js';

/**
 * Where sealed secrets live, one entry per column, so that the one-time sealing of clear values
 * (sealed-secrets.ts), the start-up key check and the key rotation (rotate-sealed-secrets.ts) walk the
 * same list. Each column is named by the purpose bound to its values as authenticated data: a value copied
 * into another column no longer opens.
 */
export const SEALED = {
  filePassword: 'files.password',
  webhookSecret: 'webhook_secrets.secret',
  /** settings.password of a classify run's {url} file input, kept until the worker downloads it. */
  pendingFilePassword: 'classify_runs.file_input.settings.password',
  presignSecret: 'settings.presign_secret',
  keyCheck: 'settings.secret_key_check',
} as const;

export const KEY_CHECK = 'secret_key_check';

export interface StoredRow {
  id: string;
  stored: string;
}

/** Which rows to visit: those whose secret is sealed (rotation) or still clear (the one-time sealing). */
export type SecretState = 'sealed' | 'clear';

export interface SealedColumn {
  purpose: string;
  /** Up to `limit` rows after `after` (by id) that may hold a secret in the given state. */
  page(db: Executor, state: SecretState, after: string, limit: number): Promise<StoredRow[]>;
  /** Writes `next` only if the row still holds what was read; true when it did. */
  update(db: Executor, row: StoredRow, next: string): Promise<boolean>;
  /** The secret inside a stored value (sealed or clear); null when it holds none. */
  secret(stored: string): string | null;
  /** The stored value with its secret replaced. */
  replace(stored: string, secret: string): string;
}

const SEALED_LIKE = `${SEALED_PREFIX}%`;
const CONTAINS_SEALED = `%${SEALED_PREFIX}%`;
const updated = (r: { numUpdatedRows: bigint }) => r.numUpdatedRows > 0n;

type SecretTable = 'files' | 'webhook_secrets' | 'classify_runs';

/**
 * A text column of a table keyed by `id`. `embedded` is for a JSON column with the secret inside: SQL
 * can only narrow sealed rows down (the prefix is somewhere in it), `secret()` does the rest.
 */
function tableColumn(
  purpose: string,
  table: SecretTable,
  column: string,
  embedded?: Pick<SealedColumn, 'secret' | 'replace'>,
): SealedColumn {
  const ref = sql.ref<string | null>(column);
  return {
    purpose,
    secret: embedded?.secret ?? ((stored) => stored),
    replace: embedded?.replace ?? ((_stored, secret) => secret),
    async page(db, state, after, limit) {
      let query = db
        .selectFrom(table)
        .select(['id', sql<string>`${ref}`.as('stored')])
        .where('id', '>', after)
        .where(ref, 'is not', null);
      if (state === 'sealed') query = query.where(ref, 'like', embedded ? CONTAINS_SEALED : SEALED_LIKE);
      else if (!embedded) query = query.where(ref, 'not like', SEALED_LIKE);
      return query.orderBy('id').limit(limit).execute();
    },
    async update(db, row, next) {
      return updated(
        await db
          .updateTable(table)
          // The column is one of the three named above, all text: Kysely cannot type a computed key.
          .set({ [column]: next } as never)
          .where('id', '=', row.id)
          .where(ref, '=', row.stored)
          .executeTakeFirst(),
      );
    },
  };
}

/** One row of `settings`, keyed by `key` (its id is the key). */
function settingColumn(purpose: string, key: string): SealedColumn {
  return {
    purpose,
    secret: (stored) => stored,
    replace: (_stored, secret) => secret,
    async page(db, state, after) {
      if (after >= key) return [];
      const rows = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .where('value', state === 'sealed' ? 'like' : 'not like', SEALED_LIKE)
        .execute();
      return rows.map((r) => ({ id: key, stored: r.value }));
    },
    async update(db, row, next) {
      return updated(
        await db
          .updateTable('settings')
          .set({ value: next })
          .where('key', '=', key)
          .where('value', '=', row.stored)
          .executeTakeFirst(),
      );
    },
  };
}

const pendingPassword: Pick<SealedColumn, 'secret' | 'replace'> = {
  secret(stored) {
    const password = (JSON.parse(stored) as { settings?: { password?: unknown } }).settings?.password;
    return typeof password === 'string' ? password : null;
  },
  replace(stored, secret) {
    const input = JSON.parse(stored) as { settings?: Record<string, unknown> };
    return JSON.stringify({ ...input, settings: { ...input.settings, password: secret } });
  },
};

/** Every sealed column; the key check is last, since switching it is what completes a rotation. */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  tableColumn(SEALED.filePassword, 'files', 'password'),
  tableColumn(SEALED.webhookSecret, 'webhook_secrets', 'secret'),
  tableColumn(SEALED.pendingFilePassword, 'classify_runs', 'file_input', pendingPassword),
  settingColumn(SEALED.presignSecret, 'presign_secret'),
  settingColumn(SEALED.keyCheck, KEY_CHECK),
];

/** Visits each row whose secret is in `state`, a page of `limit` rows per transaction. */
export async function eachStoredSecret(
  db: Db,
  column: SealedColumn,
  state: SecretState,
  limit: number,
  visit: (tx: Executor, row: StoredRow, secret: string) => Promise<void>,
): Promise<void> {
  let after = '';
  for (;;) {
    const size = await db.transaction().execute(async (tx) => {
      const rows = await column.page(tx, state, after, limit);
      for (const row of rows) {
        const secret = column.secret(row.stored);
        if (secret !== null && isSealed(secret) === (state === 'sealed')) await visit(tx, row, secret);
      }
      after = rows.at(-1)?.id ?? after;
      return rows.length;
    });
    if (size < limit) return;
  }
}
