/**
 * Standard encryption ([MS-OFFCRYPTO] 2.3.4.5-2.3.4.9), what Office 2007 writes: SHA-1 hashed 50,000 times,
 * CryptoAPI's key derivation, a verifier pair to check the password, and the package in AES-ECB.
 */

import { hash, timingSafeEqual } from 'node:crypto';
import { decryptBlocks } from './cipher.js';
import type { StandardInfo } from './encryption-info.js';
import { iteratedPasswordHash } from './password-hash.js';

const SPIN_COUNT = 50_000;
const SHA1_SIZE = 20;

/** The package key, or null when the password is wrong. */
export async function standardKey(
  info: StandardInfo,
  password: string,
  signal: AbortSignal,
): Promise<Buffer | null> {
  const base = await iteratedPasswordHash('sha1', info.salt, password, SPIN_COUNT, signal);
  const final = hash('sha1', Buffer.concat([base, Buffer.alloc(4)]), 'buffer');
  // CryptDeriveKey: SHA-1 of the hash XORed into 64 bytes of 0x36, then of 0x5c, concatenated and cut.
  const derive = (fill: number): Buffer => {
    const buffer = Buffer.alloc(64, fill);
    for (let i = 0; i < final.length; i++) buffer[i] = (buffer[i] ?? 0) ^ (final[i] ?? 0);
    return hash('sha1', buffer, 'buffer');
  };
  const key = Buffer.concat([derive(0x36), derive(0x5c)]).subarray(0, info.keyBytes);
  const cipher = `aes-${info.keyBytes * 8}-ecb`;
  const verifier = decryptBlocks(cipher, key, null, info.encryptedVerifier);
  const expected = decryptBlocks(cipher, key, null, info.encryptedVerifierHash).subarray(0, SHA1_SIZE);
  return timingSafeEqual(hash('sha1', verifier, 'buffer'), expected) ? key : null;
}

/** ECB has no chaining, so the package decrypts in one call; `size` is already checked against the stream. */
export function decryptStandardPackage(
  info: StandardInfo,
  key: Buffer,
  stream: Uint8Array,
  size: number,
): Uint8Array {
  const length = Math.ceil(size / 16) * 16;
  return decryptBlocks(`aes-${info.keyBytes * 8}-ecb`, key, null, stream.subarray(8, 8 + length)).subarray(
    0,
    size,
  );
}
