import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { parseSecretKey, SECRET_KEY_BYTES } from '../lib/secret-box.js';
import { type OpenOptions, openDatabase } from '../store/database.js';
import { type ColumnCount, type RotateOptions, rotateSealedSecrets } from '../store/rotate-sealed-secrets.js';
import {
  describeSecretKey,
  readKeyFile,
  replaceKeyFile,
  SECRET_KEY_FILE,
  type SecretKey,
} from './secret-key.js';

/**
 * `docsort secrets rotate [--new-key K]`: re-seal the database's secrets with a new key (the database side
 * and its crash safety: store/rotate-sealed-secrets.ts). The current key is found as `serve` finds it.
 *
 * Without --new-key a key is generated. When the current key comes from DOCSORT_SECRET_KEY, the new one is
 * printed once, before the database is touched, so that an interrupted run can be finished with it. When it
 * comes from DATA_DIR/secret.key, the new key goes first to DATA_DIR/secret.key.next (0600), which a run
 * after a crash picks up again, and replaces secret.key atomically once the database is done.
 *
 * Running processes keep the key they started with: restart them with the new key (a process started with
 * the old one is refused at start once the rotation is complete).
 */
export class SecretRotationCommandError extends Error {}

export interface RotateCommand {
  /** --new-key as given (base64 or hex); undefined to generate one. */
  newKey: string | undefined;
  out: (line: string) => void;
  /** How to open the configured database (tests: their PostgreSQL schema). */
  dbOptions?: OpenOptions;
  /** Tests only: interrupt the rotation after a column. */
  afterColumn?: RotateOptions['afterColumn'];
}

export async function rotateSecretKey(config: Config, cmd: RotateCommand): Promise<ColumnCount[]> {
  const current = currentKey(config);
  const pendingFile = current.file ? `${current.file}.next` : null;
  const pending = pendingFile ? readKeyFile(pendingFile) : null;
  if (pending && pendingFile && current.file && pending.equals(current.key)) {
    // The key file was replaced but the pending copy not yet removed: the rotation is complete.
    fs.rmSync(pendingFile, { force: true });
    cmd.out(`The rotation to the key in ${current.file} was already complete.`);
    return [];
  }

  let next: Buffer;
  if (cmd.newKey !== undefined) {
    const given = parseSecretKey(cmd.newKey);
    if (!given)
      throw new SecretRotationCommandError('--new-key must be 32 bytes written as base64 or 64 hex digits');
    if (pending && !pending.equals(given)) {
      throw new SecretRotationCommandError(
        `${pendingFile} holds the new key of an interrupted rotation: run \`docsort secrets rotate\` without --new-key to finish it first`,
      );
    }
    next = given;
  } else if (pending) {
    cmd.out(`Finishing the interrupted rotation to the key in ${pendingFile}.`);
    next = pending;
  } else {
    next = randomBytes(SECRET_KEY_BYTES);
    if (pendingFile) replaceKeyFile(pendingFile, next);
    else {
      cmd.out(
        `New secret key (shown only now; if this command is interrupted, run it again with --new-key and this key):`,
      );
      cmd.out(`  ${next.toString('base64')}`);
    }
  }

  const database = await openDatabase(config.database, cmd.dbOptions);
  let counts: ColumnCount[];
  try {
    counts = await rotateSealedSecrets(database.db, {
      current: current.key,
      next,
      keySource: describeSecretKey(current),
      ...(cmd.afterColumn ? { afterColumn: cmd.afterColumn } : {}),
    });
  } finally {
    await database.close();
  }

  cmd.out('Re-sealed with the new key:');
  const width = Math.max(...counts.map((c) => c.purpose.length));
  for (const c of counts) {
    const already = c.already > 0 ? ` (${c.already} already under the new key)` : '';
    cmd.out(`  ${c.purpose.padEnd(width)}  ${c.resealed}${already}`);
  }
  if (current.file) {
    replaceKeyFile(current.file, next);
    if (pendingFile) fs.rmSync(pendingFile, { force: true });
    cmd.out(`Wrote the new key to ${current.file} (mode 0600). Restart Docsort to use it.`);
  } else {
    cmd.out(
      `Set DOCSORT_SECRET_KEY to the new key${cmd.newKey === undefined ? ' printed above' : ''} on every process sharing this database, and restart them: ` +
        'a process still on the old key fails on the secrets it reads, and is refused at its next start.',
    );
  }
  return counts;
}

/** The key `serve` would use, without generating one: rotating needs a database already sealed with a key. */
function currentKey(config: Config): SecretKey {
  if (config.secretKey) return { key: config.secretKey, source: 'env', file: null };
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  const key = readKeyFile(file);
  if (!key) {
    throw new SecretRotationCommandError(
      `there is no current key: DOCSORT_SECRET_KEY is unset and ${file} does not exist`,
    );
  }
  return { key, source: 'key-file', file };
}
