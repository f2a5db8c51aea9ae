import { isSealed, SEALED_PREFIX, type SecretBox, SecretBoxError } from '../lib/secret-box.js';
import type { Db } from './database.js';

/**
 * The columns whose values are sealed (lib/secret-box.ts), each named by the purpose that is bound to
 * its values as authenticated data: a value copied into another column no longer opens.
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
const KEY_CHECK_TEXT = 'docsort secret key check';
/** Set once every clear value written before sealing existed has been sealed. */
const SEALED_MARKER = 'secrets_sealed';

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
  const opens = (stored: string, purpose: string) => {
    try {
      return box.open(stored, purpose);
    } catch (err) {
      if (err instanceof SecretBoxError) return null;
      throw err;
    }
  };
  const readCheck = () =>
    db.selectFrom('settings').select('value').where('key', '=', KEY_CHECK).executeTakeFirst();
  let check = await readCheck();
  if (!check) {
    // No check yet (a new database, or one from before sealing): values sealed meanwhile must still open.
    for (const [stored, purpose] of await oneSealedValueEach(db)) {
      if (opens(stored, purpose) === null) throw wrongKey();
    }
    await db
      .insertInto('settings')
      .values({ key: KEY_CHECK, value: box.seal(KEY_CHECK_TEXT, SEALED.keyCheck) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    // Another process may have won the insert with its own key.
    check = await readCheck();
  }
  if (!check || opens(check.value, SEALED.keyCheck) !== KEY_CHECK_TEXT) throw wrongKey();
}

async function oneSealedValueEach(db: Db): Promise<[string, string][]> {
  const like = `${SEALED_PREFIX}%`;
  const file = await db
    .selectFrom('files')
    .select('password')
    .where('password', 'like', like)
    .limit(1)
    .executeTakeFirst();
  const secret = await db
    .selectFrom('webhook_secrets')
    .select('secret')
    .where('secret', 'like', like)
    .limit(1)
    .executeTakeFirst();
  const out: [string, string][] = [];
  if (file?.password) out.push([file.password, SEALED.filePassword]);
  if (secret) out.push([secret.secret, SEALED.webhookSecret]);
  return out;
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
  const like = `${SEALED_PREFIX}%`;
  let sealed = 0;

  const files = await db
    .selectFrom('files')
    .select(['id', 'password'])
    .where('password', 'is not', null)
    .where('password', 'not like', like)
    .execute();
  for (const f of files) {
    if (f.password === null) continue;
    const r = await db
      .updateTable('files')
      .set({ password: box.seal(f.password, SEALED.filePassword) })
      .where('id', '=', f.id)
      .where('password', '=', f.password)
      .executeTakeFirst();
    sealed += Number(r.numUpdatedRows);
  }

  const secrets = await db
    .selectFrom('webhook_secrets')
    .select(['id', 'secret'])
    .where('secret', 'not like', like)
    .execute();
  for (const s of secrets) {
    const r = await db
      .updateTable('webhook_secrets')
      .set({ secret: box.seal(s.secret, SEALED.webhookSecret) })
      .where('id', '=', s.id)
      .where('secret', '=', s.secret)
      .executeTakeFirst();
    sealed += Number(r.numUpdatedRows);
  }

  // Classify runs whose {url} file the worker has not downloaded yet carry the password in file_input.
  const pending = await db
    .selectFrom('classify_runs')
    .select(['id', 'file_input'])
    .where('file_input', 'is not', null)
    .execute();
  for (const run of pending) {
    if (run.file_input === null) continue;
    const resealed = sealPendingPassword(box, run.file_input);
    if (resealed === null) continue;
    const r = await db
      .updateTable('classify_runs')
      .set({ file_input: resealed })
      .where('id', '=', run.id)
      .where('file_input', '=', run.file_input)
      .executeTakeFirst();
    sealed += Number(r.numUpdatedRows);
  }

  const presign = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'presign_secret')
    .executeTakeFirst();
  if (presign && !isSealed(presign.value)) {
    const r = await db
      .updateTable('settings')
      .set({ value: box.seal(presign.value, SEALED.presignSecret) })
      .where('key', '=', 'presign_secret')
      .where('value', '=', presign.value)
      .executeTakeFirst();
    sealed += Number(r.numUpdatedRows);
  }

  await db
    .insertInto('settings')
    .values({ key: SEALED_MARKER, value: 'v1' })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return sealed;
}

/** The file_input JSON with its clear password sealed; null when there is nothing to seal. */
function sealPendingPassword(box: SecretBox, json: string): string | null {
  const input = JSON.parse(json) as { settings?: { password?: unknown } };
  const password = input.settings?.password;
  if (typeof password !== 'string' || isSealed(password)) return null;
  return JSON.stringify({
    ...input,
    settings: { ...input.settings, password: box.seal(password, SEALED.pendingFilePassword) },
  });
}
