import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets that must be read back (file passwords, webhook signing secrets) are stored sealed:
 * AES-256-GCM with a random 12-byte IV per value, as `sealed:v1:<base64(iv | tag | ciphertext)>`.
 * The purpose (the column, e.g. `files.password`) is the additional authenticated data, so a value
 * sealed for one column does not open as another's. The key never lives in the database.
 */
export const SEALED_PREFIX = 'sealed:v1:';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

export class SecretBoxError extends Error {}

export interface SecretBox {
  seal(plain: string, purpose: string): string;
  /** The clear text; a value without the prefix (written before sealing existed) is returned as is. */
  open(stored: string, purpose: string): string;
}

export const isSealed = (stored: string): boolean => stored.startsWith(SEALED_PREFIX);

/** The clear text, or null when the value does not open with this box (another key, altered, copied). */
export function tryOpen(box: SecretBox, stored: string, purpose: string): string | null {
  try {
    return box.open(stored, purpose);
  } catch (err) {
    if (err instanceof SecretBoxError) return null;
    throw err;
  }
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.byteLength !== SECRET_KEY_BYTES)
    throw new SecretBoxError(`the secret key must be ${SECRET_KEY_BYTES} bytes`);
  const k = Buffer.from(key);
  return {
    seal(plain, purpose) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      cipher.setAAD(Buffer.from(purpose, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(stored, purpose) {
      if (!isSealed(stored)) return stored;
      const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64');
      if (raw.byteLength < IV_BYTES + TAG_BYTES)
        throw new SecretBoxError(`a sealed ${purpose} value is truncated`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(purpose, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const body = raw.subarray(IV_BYTES + TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // GCM cannot tell a wrong key from a tampered value or another column's value: say all three.
        throw new SecretBoxError(
          `a sealed ${purpose} value does not open with this key (another key sealed it, or it was altered or copied from another column)`,
        );
      }
    },
  };
}

/**
 * A 32-byte key written as base64 (standard or URL-safe, padding optional) or 64 hex digits; null when
 * the text is neither (the caller names the source in its error).
 */
export function parseSecretKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t)) return null;
  const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.byteLength === SECRET_KEY_BYTES ? key : null;
}

/**
 * A box that seals with `current` and opens what either `current` or `previous` sealed: what a key
 * rotation (store/rotate-sealed-secrets.ts) reads with while the database holds values of both keys.
 */
export function createRotatingSecretBox(current: Uint8Array, previous: Uint8Array): SecretBox {
  const now = createSecretBox(current);
  const before = createSecretBox(previous);
  return {
    seal: (plain, purpose) => now.seal(plain, purpose),
    open(stored, purpose) {
      try {
        return now.open(stored, purpose);
      } catch (err) {
        if (!(err instanceof SecretBoxError)) throw err;
        return before.open(stored, purpose);
      }
    },
  };
}
