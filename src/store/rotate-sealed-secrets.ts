import { createRotatingSecretBox, createSecretBox, tryOpen } from '../lib/secret-box.js';
import type { Db } from './database.js';
import { eachStoredSecret, KEY_CHECK, SEALED_COLUMNS } from './sealed-columns.js';
import { verifySecretKey } from './sealed-secrets.js';

/**
 * Re-seal every sealed value with a new key (`docsort secrets rotate`, main/rotate-secret-key.ts).
 *
 * Crash safety. A GCM value sealed with the new key does not open with the old one, so a rotation cut
 * short leaves a database holding values of both keys. It is designed so that such a database is always
 * finished by running the same rotation again:
 * - Values are read with a box that knows both keys (new first, then old): a value already under the new
 *   key is left alone, one under the old key is re-sealed, one that opens with neither stops the command.
 * - A first pass only opens every value, writing nothing: a rotation given the wrong new key after an
 *   interrupted one (values under a third key) is refused before it changes anything.
 * - The second pass re-seals one column at a time, a batch of rows per transaction; each update is
 *   conditional on the value it read, so a running server writing meanwhile is never overwritten.
 * - The key-check value (settings.secret_key_check) is switched last. Until then a process started with
 *   the new key is refused (the check still names the old key) and one with the old key starts but fails
 *   on the rows already re-sealed; once switched, the old key is refused at start with the usual message.
 *   Running the rotation again after a crash, with the same current and new key, completes it; running it
 *   once more after it completed changes nothing (and catches values that a server still on the old key
 *   wrote in the meantime).
 */

export interface ColumnCount {
  purpose: string;
  /** Values re-sealed from the old key to the new one by this run. */
  resealed: number;
  /** Values found already under the new key (an interrupted run, or the rotation run again). */
  already: number;
}

export interface RotateOptions {
  current: Uint8Array;
  next: Uint8Array;
  /** Names the current key in the wrong-key message (e.g. DOCSORT_SECRET_KEY). */
  keySource: string;
  /** Rows per transaction. */
  batchSize?: number;
  /** Called once a column's re-sealed values are committed (tests interrupt the rotation here). */
  afterColumn?: (purpose: string) => void | Promise<void>;
}

export class SecretRotationError extends Error {}

export async function rotateSealedSecrets(db: Db, opts: RotateOptions): Promise<ColumnCount[]> {
  if (Buffer.from(opts.current).equals(Buffer.from(opts.next)))
    throw new SecretRotationError('the new key is the current key');
  const oldBox = createSecretBox(opts.current);
  const newBox = createSecretBox(opts.next);
  const both = createRotatingSecretBox(opts.next, opts.current);
  // A database never started since sealing existed has no check yet: write it under the current key,
  // which also proves that key opens the values already there.
  const check = await db.selectFrom('settings').select('key').where('key', '=', KEY_CHECK).executeTakeFirst();
  if (!check) await verifySecretKey(db, oldBox, opts.keySource);
  // The check opens with the current key (rotation to do) or the new one (done, or run again).
  await verifySecretKey(db, both, opts.keySource);
  const batch = opts.batchSize ?? 500;

  const unopened: string[] = [];
  for (const column of SEALED_COLUMNS) {
    await eachStoredSecret(db, column, 'sealed', batch, async (_tx, row, sealed) => {
      if (tryOpen(both, sealed, column.purpose) === null) unopened.push(`${column.purpose} (${row.id})`);
    });
  }
  if (unopened.length > 0) {
    throw new SecretRotationError(
      `${unopened.length} sealed value(s) open with neither the current nor the new key, nothing was changed: ` +
        `${unopened.slice(0, 5).join(', ')}. If a rotation to another new key was interrupted, run it again with that key.`,
    );
  }

  const counts: ColumnCount[] = [];
  for (const column of SEALED_COLUMNS) {
    const count = { purpose: column.purpose, resealed: 0, already: 0 };
    await eachStoredSecret(db, column, 'sealed', batch, async (tx, row, sealed) => {
      if (tryOpen(newBox, sealed, column.purpose) !== null) {
        count.already += 1;
        return;
      }
      const plain = oldBox.open(sealed, column.purpose);
      const next = column.replace(row.stored, newBox.seal(plain, column.purpose));
      if (await column.update(tx, row, next)) count.resealed += 1;
    });
    counts.push(count);
    await opts.afterColumn?.(column.purpose);
  }
  return counts;
}
