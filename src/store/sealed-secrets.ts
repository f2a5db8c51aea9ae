import { type SecretBox, tryOpen } from '../lib/secret-box.js';
import type { Db } from './database.js';
import { eachStoredSecret, KEY_CHECK, SEALED, SEALED_COLUMNS } from './sealed-columns.js';

const KEY_CHECK_TEXT = 'docsort secret key check';
/** Set once every clear value written before sealing existed has been sealed. */
const SEALED_MARKER = 'secrets_sealed';
const BATCH = 500;

export class WrongSecretKeyError extends Error {}

/**
 * Refuse to start with a key that is not the database's, rather than fail later on each request that
 * needs a secret. The first process to start writes a value sealed with its key; every later one (on
 * this host or another sharing the database) must open it. `keySource` names the key in the message.
 */
export async function verifySecretKey(db: Db, box: SecretBox, keySource: string): Promise<void> {
  const wrongKey = () =>
    new WrongSecretKeyError(
      `The secrets in the database were sealed with another key than ${keySource}. ` +
        'Set DOCSORT_SECRET_KEY to the key this database was first started with (when that start generated ' +
        'DATA_DIR/secret.key, the key is the content of that file): every process sharing a database needs the ' +
        'same key, and a host that generated its own secret.key has a different one.',
    );
  const readCheck = () =>
    db.selectFrom('settings').select('value').where('key', '=', KEY_CHECK).executeTakeFirst();
  let check = await readCheck();
  if (!check) {
    // No check yet (a new database, or one from before sealing): values sealed meanwhile must still open.
    for (const column of SEALED_COLUMNS) {
      const [row] = await column.page(db, 'sealed', '', 1);
      const secret = row ? column.secret(row.stored) : null;
      if (secret !== null && tryOpen(box, secret, column.purpose) === null) throw wrongKey();
    }
    await db
      .insertInto('settings')
      .values({ key: KEY_CHECK, value: box.seal(KEY_CHECK_TEXT, SEALED.keyCheck) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    // Another process may have won the insert with its own key.
    check = await readCheck();
  }
  if (!check || tryOpen(box, check.value, SEALED.keyCheck) !== KEY_CHECK_TEXT) throw wrongKey();
}

/**
 * One-time step after upgrading: seal the clear values written before sealing existed. Each update is
 * conditional on the value it read, so processes starting together do no harm; a marker row makes
 * later starts skip the scans. Values missed anyway (written by an older process during a rolling
 * upgrade) still work: open() returns a value without the prefix as is.
 */
export async function sealLegacySecrets(db: Db, box: SecretBox): Promise<number> {
  const done = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', SEALED_MARKER)
    .executeTakeFirst();
  if (done) return 0;
  let sealed = 0;
  for (const column of SEALED_COLUMNS) {
    if (column.purpose === SEALED.keyCheck) continue;
    await eachStoredSecret(db, column, 'clear', BATCH, async (tx, row, secret) => {
      if (await column.update(tx, row, column.replace(row.stored, box.seal(secret, column.purpose))))
        sealed++;
    });
  }
  await db
    .insertInto('settings')
    .values({ key: SEALED_MARKER, value: 'v1' })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return sealed;
}
