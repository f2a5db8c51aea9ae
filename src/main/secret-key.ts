import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config.js';
import { parseSecretKey, SECRET_KEY_BYTES } from '../lib/secret-box.js';

export interface SecretKey {
  key: Buffer;
  /** `env`: DOCSORT_SECRET_KEY; `key-file`: DATA_DIR/secret.key from an earlier start; `generated`: written now. */
  source: 'env' | 'key-file' | 'generated';
  /** The key file, when the key came from (or went to) one. */
  file: string | null;
}

export const SECRET_KEY_FILE = 'secret.key';

/** Where the key came from, for messages (never the key itself). */
export const describeSecretKey = (k: Pick<SecretKey, 'source' | 'file'>) =>
  k.source === 'env' ? 'DOCSORT_SECRET_KEY' : `the key file ${k.file} (DOCSORT_SECRET_KEY is unset)`;

/**
 * DOCSORT_SECRET_KEY when set; otherwise DATA_DIR/secret.key, created on the first start so that
 * `npm start` needs no setup. A generated key suits one host only: every process sharing a database
 * must seal with the same key, which is what DOCSORT_SECRET_KEY is for.
 */
export function resolveSecretKey(config: { secretKey: Buffer | null; dataDir: string }): SecretKey {
  if (config.secretKey) return { key: config.secretKey, source: 'env', file: null };
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  const existing = readKeyFile(file);
  if (existing) return { key: existing, source: 'key-file', file };
  const written = writeKeyFileOnce(file, randomBytes(SECRET_KEY_BYTES));
  return { key: written.key, source: written.created ? 'generated' : 'key-file', file };
}

export function readKeyFile(file: string): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const key = parseSecretKey(text);
  if (!key) {
    throw new ConfigError(
      `${file} does not hold a secret key (32 bytes as base64 or hex). Restore it from a backup, or set DOCSORT_SECRET_KEY to the key this database was sealed with.`,
    );
  }
  return key;
}

/**
 * Atomic and never overwriting: the key goes to a private temporary file (0600 from creation) that is
 * then hard-linked into place. link() fails if the name exists, so of two processes starting at once
 * on a fresh data directory one key wins and both use it.
 */
function writeKeyFileOnce(file: string, fresh: Buffer): { key: Buffer; created: boolean } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${fresh.toString('base64')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
    return { key: fresh, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = readKeyFile(file);
    if (!winner) throw err;
    return { key: winner, created: false };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Write `key` to `file` (mode 0600 from creation), replacing it atomically: a private temporary file is
 * renamed over it, so a crash leaves either the old key or the new one, never a torn file.
 */
export function replaceKeyFile(file: string, key: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${key.toString('base64')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
