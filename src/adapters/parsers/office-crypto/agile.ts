/**
 * Agile encryption ([MS-OFFCRYPTO] 2.3.4.10-2.3.4.14): the password, hashed spinCount times, derives three
 * keys that unlock the verifier pair and the package's intermediate key; the package is AES-CBC in
 * 4096-byte segments, each with its own IV, and an HMAC over the encrypted stream proves it intact.
 */

import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decryptBlocks } from './cipher.js';
import type { AgileInfo, AgileParams } from './encryption-info.js';
import { cancelled, corruptEncryption } from './failures.js';
import { fitTo, iteratedPasswordHash } from './password-hash.js';

const BLOCK_KEYS = {
  verifierHashInput: Buffer.from('fea7d2763b4b9e79', 'hex'),
  verifierHashValue: Buffer.from('d7aa0f6d3061344e', 'hex'),
  encryptedKey: Buffer.from('146e0be7abacd0d6', 'hex'),
  hmacKey: Buffer.from('5fb2ad010cb9e1f6', 'hex'),
  hmacValue: Buffer.from('a0677f02b22c8433', 'hex'),
};
const SEGMENT = 4096;
/** About 1 MB of package between checks of the time budget. */
const SEGMENTS_PER_TURN = 256;

/** The package's intermediate key, or null when the password is wrong. */
export async function agileKey(
  info: AgileInfo,
  password: string,
  signal: AbortSignal,
): Promise<Buffer | null> {
  const p = info.password;
  const base = await iteratedPasswordHash(p.hash, p.salt, password, p.spinCount, signal);
  const keyFor = (blockKey: Buffer): Buffer =>
    fitTo(hash(p.hash, Buffer.concat([base, blockKey]), 'buffer'), p.keyBytes);
  const iv = fitTo(p.salt, p.blockSize);
  const input = decryptBlocks(
    p.cipher,
    keyFor(BLOCK_KEYS.verifierHashInput),
    iv,
    p.encryptedVerifierHashInput,
  );
  const expected = decryptBlocks(
    p.cipher,
    keyFor(BLOCK_KEYS.verifierHashValue),
    iv,
    p.encryptedVerifierHashValue,
  );
  const actual = hash(p.hash, input.subarray(0, p.salt.length), 'buffer');
  if (expected.length < p.hashSize || !timingSafeEqual(actual, expected.subarray(0, p.hashSize))) return null;
  const key = decryptBlocks(p.cipher, keyFor(BLOCK_KEYS.encryptedKey), iv, p.encryptedKeyValue);
  if (key.length < info.keyData.keyBytes) throw corruptEncryption('its encrypted key is too short');
  return key.subarray(0, info.keyData.keyBytes);
}

/** `stream` is the whole EncryptedPackage stream; `size` its declared plaintext size, already checked. */
export async function decryptAgilePackage(
  info: AgileInfo,
  key: Buffer,
  stream: Uint8Array,
  size: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  if (info.integrity) checkIntegrity(info.keyData, info.integrity, key, stream);
  const k = info.keyData;
  const length = Math.ceil(size / k.blockSize) * k.blockSize;
  const data = stream.subarray(8, 8 + length);
  const out = Buffer.alloc(length);
  const segmentNumber = Buffer.alloc(4);
  for (let i = 0; i * SEGMENT < length; i++) {
    if (i > 0 && i % SEGMENTS_PER_TURN === 0) {
      await nextTurn();
      if (signal.aborted) throw cancelled();
    }
    segmentNumber.writeUInt32LE(i);
    const iv = fitTo(hash(k.hash, Buffer.concat([k.salt, segmentNumber]), 'buffer'), k.blockSize);
    out.set(decryptBlocks(k.cipher, key, iv, data.subarray(i * SEGMENT, (i + 1) * SEGMENT)), i * SEGMENT);
  }
  return out.subarray(0, size);
}

function checkIntegrity(
  k: AgileParams,
  integrity: NonNullable<AgileInfo['integrity']>,
  key: Buffer,
  stream: Uint8Array,
): void {
  const ivFor = (blockKey: Buffer): Buffer =>
    fitTo(hash(k.hash, Buffer.concat([k.salt, blockKey]), 'buffer'), k.blockSize);
  const hmacKey = decryptBlocks(k.cipher, key, ivFor(BLOCK_KEYS.hmacKey), integrity.encryptedHmacKey);
  const expected = decryptBlocks(k.cipher, key, ivFor(BLOCK_KEYS.hmacValue), integrity.encryptedHmacValue);
  if (hmacKey.length < k.hashSize || expected.length < k.hashSize) {
    throw corruptEncryption('its integrity check values are too short');
  }
  const actual = createHmac(k.hash, hmacKey.subarray(0, k.hashSize)).update(stream).digest();
  if (!timingSafeEqual(actual, expected.subarray(0, k.hashSize))) {
    throw corruptEncryption('its encrypted package fails its integrity check (HMAC)');
  }
}
