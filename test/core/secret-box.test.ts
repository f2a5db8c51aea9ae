import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  createRotatingSecretBox,
  createSecretBox,
  parseSecretKey,
  SEALED_PREFIX,
} from '../../src/lib/secret-box.js';
import { replaceKeyFile, resolveSecretKey } from '../../src/main/secret-key.js';

describe('secret box (AES-256-GCM, purpose-bound)', () => {
  const box = createSecretBox(randomBytes(32));

  it('seals to a versioned value with a fresh IV each time, and opens it again', () => {
    const a = box.seal('hunter2', 'files.password');
    const b = box.seal('hunter2', 'files.password');
    expect(a.startsWith(SEALED_PREFIX)).toBe(true);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    // 12-byte IV, 16-byte tag, then the 7 bytes of ciphertext.
    expect(Buffer.from(a.slice(SEALED_PREFIX.length), 'base64').byteLength).toBe(12 + 16 + 7);
    expect(box.open(a, 'files.password')).toBe('hunter2');
    expect(box.open(box.seal('', 'files.password'), 'files.password')).toBe('');
    expect(box.open(box.seal('pâté 🔑', 'x'), 'x')).toBe('pâté 🔑');
  });

  it('returns a value without the prefix as is (rows written before sealing)', () => {
    expect(box.open('legacy-clear', 'files.password')).toBe('legacy-clear');
  });

  it('refuses a value sealed for another purpose, with another key, or altered', () => {
    const sealed = box.seal('wss_secret', 'webhook_secrets.secret');
    expect(() => box.open(sealed, 'files.password')).toThrow(/does not open with this key/);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'webhook_secrets.secret')).toThrow(
      /another key sealed it/,
    );
    const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64');
    raw[raw.byteLength - 1] = (raw[raw.byteLength - 1] ?? 0) ^ 1;
    expect(() => box.open(SEALED_PREFIX + raw.toString('base64'), 'webhook_secrets.secret')).toThrow(
      /altered/,
    );
    expect(() => box.open(`${SEALED_PREFIX}AAAA`, 'files.password')).toThrow(/truncated/);
  });

  it('during a rotation, seals with the new key and opens values of either key', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const both = createRotatingSecretBox(newKey, oldKey);
    const sealed = both.seal('s3cret', 'files.password');
    expect(createSecretBox(newKey).open(sealed, 'files.password')).toBe('s3cret');
    expect(() => createSecretBox(oldKey).open(sealed, 'files.password')).toThrow();
    expect(both.open(createSecretBox(oldKey).seal('old', 'files.password'), 'files.password')).toBe('old');
    expect(() => both.open(createSecretBox(randomBytes(32)).seal('x', 'p'), 'p')).toThrow(/another key/);
    expect(() => both.open(sealed, 'webhook_secrets.secret')).toThrow();
  });

  it('reads a key as base64 (standard or URL-safe) or hex, and nothing else', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(`${key.toString('base64url')}\n`)).toEqual(key);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseSecretKey('correct horse battery staple')).toBeNull();
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('DOCSORT_SECRET_KEY and the key file', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'docsort-key-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a bad DOCSORT_SECRET_KEY stops the start without echoing the value', () => {
    const bad = 'not-a-key-but-still-a-secret';
    let message = '';
    try {
      loadConfig({ DOCSORT_SECRET_KEY: bad });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration: DOCSORT_SECRET_KEY: must be 32 bytes .*openssl rand/);
    expect(message).not.toContain(bad);
    const key = randomBytes(32);
    expect(loadConfig({ DOCSORT_SECRET_KEY: key.toString('base64') }).secretKey).toEqual(key);
    expect(loadConfig({ DOCSORT_SECRET_KEY: '' }).secretKey).toBeNull();
  });

  it('DOCSORT_SECRET_KEY wins, and no key file is written', () => {
    const dataDir = tempDir();
    const key = randomBytes(32);
    expect(resolveSecretKey({ secretKey: key, dataDir })).toEqual({ key, source: 'env', file: null });
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('without it, the first start writes DATA_DIR/secret.key (mode 0600) and later starts reuse it', () => {
    const dataDir = path.join(tempDir(), 'not-yet-created');
    const first = resolveSecretKey({ secretKey: null, dataDir });
    const file = path.join(dataDir, 'secret.key');
    expect(first).toMatchObject({ source: 'generated', file });
    expect(first.key.byteLength).toBe(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(fs.readFileSync(file, 'utf8'))).toEqual(first.key);
    // Nothing but the key is left behind (the temporary file is linked into place, then removed).
    expect(fs.readdirSync(dataDir)).toEqual(['secret.key']);

    const second = resolveSecretKey({ secretKey: null, dataDir });
    expect(second).toEqual({ key: first.key, source: 'key-file', file });
  });

  it('a rotation replaces the key file atomically, mode 0600, leaving nothing else', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'secret.key');
    const first = resolveSecretKey({ secretKey: null, dataDir });
    fs.chmodSync(file, 0o644);
    const next = randomBytes(32);
    replaceKeyFile(file, next);
    expect(next.equals(first.key)).toBe(false);
    expect(resolveSecretKey({ secretKey: null, dataDir })).toEqual({ key: next, source: 'key-file', file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual(['secret.key']);
  });

  it('a damaged key file stops the start instead of being replaced', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'secret.key'), 'garbage\n', { mode: 0o600 });
    expect(() => resolveSecretKey({ secretKey: null, dataDir })).toThrow(
      /secret\.key does not hold a secret key .*DOCSORT_SECRET_KEY/,
    );
    expect(fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8')).toBe('garbage\n');
  });
});
