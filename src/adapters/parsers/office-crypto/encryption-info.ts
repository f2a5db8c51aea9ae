/**
 * Reads the EncryptionInfo stream of an encrypted Office Open XML file ([MS-OFFCRYPTO] 2.3.4): which scheme
 * encrypted the package and the values that check a password against it. Only AES is decrypted: Agile
 * encryption (version 4.4, what Office 2010 and later write) and Standard encryption (x.2 with AES, Office
 * 2007). RC4 CryptoAPI, extensible encryption and certificate-only files are refused by name.
 */

import { findAll, parseXmlTree, type XmlElement } from '../xml-tree.js';
import { corruptEncryption, unsupportedEncryption } from './failures.js';
import { MAX_SPIN_COUNT } from './password-hash.js';

/** Node's name and digest size for the hash algorithms Agile encryption may declare. */
const HASHES: Record<string, { name: string; size: number }> = {
  SHA1: { name: 'sha1', size: 20 },
  'SHA-1': { name: 'sha1', size: 20 },
  SHA256: { name: 'sha256', size: 32 },
  SHA384: { name: 'sha384', size: 48 },
  SHA512: { name: 'sha512', size: 64 },
  MD5: { name: 'md5', size: 16 },
};

const PASSWORD_ENCRYPTOR = 'http://schemas.microsoft.com/office/2006/keyEncryptor/password';
const AES_BLOCK = 16;
/** Office writes 1-2 KB (more with certificates): anything near this is not an EncryptionInfo to parse. */
const MAX_INFO_BYTES = 1024 * 1024;

/** The cipher and hash of keyData or of the password key encryptor. */
export interface AgileParams {
  salt: Buffer;
  keyBytes: number;
  blockSize: number;
  /** Node's names: `aes-256-cbc`, `sha512`. */
  cipher: string;
  hash: string;
  hashSize: number;
}

export interface AgileInfo {
  kind: 'agile';
  keyData: AgileParams;
  password: AgileParams & {
    spinCount: number;
    encryptedVerifierHashInput: Buffer;
    encryptedVerifierHashValue: Buffer;
    encryptedKeyValue: Buffer;
  };
  integrity: { encryptedHmacKey: Buffer; encryptedHmacValue: Buffer } | null;
}

export interface StandardInfo {
  kind: 'standard';
  keyBytes: number;
  salt: Buffer;
  encryptedVerifier: Buffer;
  encryptedVerifierHash: Buffer;
}

export type EncryptionInfo = AgileInfo | StandardInfo;

export function readEncryptionInfo(stream: Uint8Array): EncryptionInfo {
  if (stream.length < 8) throw corruptEncryption('its EncryptionInfo stream is cut off');
  if (stream.length > MAX_INFO_BYTES)
    throw corruptEncryption('its EncryptionInfo stream is implausibly large');
  const bytes = Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength);
  const major = bytes.readUInt16LE(0);
  const minor = bytes.readUInt16LE(2);
  if (major === 4 && minor === 4) return readAgile(bytes.subarray(8));
  if ((major === 3 || major === 4) && minor === 3) throw unsupportedEncryption('extensible encryption');
  if (major >= 2 && major <= 4 && minor === 2) return readStandard(bytes);
  if (major === 1 && minor === 1) throw unsupportedEncryption('RC4');
  throw corruptEncryption(`its EncryptionInfo has an unknown version ${major}.${minor}`);
}

function readAgile(xmlBytes: Buffer): AgileInfo {
  const root = parseXmlTree(xmlBytes.toString('utf8'));
  const keyData = findAll(root, 'keyData')[0];
  if (!keyData) throw corruptEncryption('its EncryptionInfo has no keyData');
  const encryptors = findAll(root, 'keyEncryptor');
  const passwordKey = encryptors
    .filter((encryptor) => encryptor.attrs.uri === PASSWORD_ENCRYPTOR)
    .flatMap((encryptor) => findAll(encryptor, 'encryptedKey'))[0];
  if (!passwordKey) {
    if (encryptors.length > 0) throw unsupportedEncryption('a certificate instead of a password');
    throw corruptEncryption('its EncryptionInfo has no password key encryptor');
  }
  const spinCount = integer(passwordKey, 'spinCount');
  if (spinCount > MAX_SPIN_COUNT) {
    throw corruptEncryption(`its spinCount ${spinCount} is above the ${MAX_SPIN_COUNT} the format allows`);
  }
  const integrity = findAll(root, 'dataIntegrity')[0];
  const password = agileParams(passwordKey);
  return {
    kind: 'agile',
    keyData: agileParams(keyData),
    password: {
      ...password,
      spinCount,
      encryptedVerifierHashInput: blocks(passwordKey, 'encryptedVerifierHashInput', password.blockSize),
      encryptedVerifierHashValue: blocks(passwordKey, 'encryptedVerifierHashValue', password.blockSize),
      encryptedKeyValue: blocks(passwordKey, 'encryptedKeyValue', password.blockSize),
    },
    integrity: integrity
      ? {
          encryptedHmacKey: blocks(integrity, 'encryptedHmacKey', AES_BLOCK),
          encryptedHmacValue: blocks(integrity, 'encryptedHmacValue', AES_BLOCK),
        }
      : null,
  };
}

function agileParams(element: XmlElement): AgileParams {
  const cipher = element.attrs.cipherAlgorithm ?? '';
  const chaining = element.attrs.cipherChaining ?? '';
  const hashName = element.attrs.hashAlgorithm ?? '';
  if (cipher !== 'AES') throw unsupportedEncryption(`the ${cipher || 'unnamed'} cipher`);
  if (chaining !== 'ChainingModeCBC') throw unsupportedEncryption(`AES in ${chaining || 'an unnamed'} mode`);
  const hash = HASHES[hashName];
  if (!hash) throw unsupportedEncryption(`the ${hashName || 'unnamed'} hash`);
  const keyBits = integer(element, 'keyBits');
  if (keyBits !== 128 && keyBits !== 192 && keyBits !== 256) {
    throw corruptEncryption(`its EncryptionInfo declares ${keyBits}-bit AES keys`);
  }
  if (integer(element, 'blockSize') !== AES_BLOCK) throw corruptEncryption('its AES block size is not 16');
  if (integer(element, 'hashSize') !== hash.size) {
    throw corruptEncryption(`its hashSize does not match ${hashName}`);
  }
  const salt = base64(element, 'saltValue');
  if (salt.length !== integer(element, 'saltSize') || salt.length < 1 || salt.length > 65_536) {
    throw corruptEncryption('its salt does not have the size it declares');
  }
  return {
    salt,
    keyBytes: keyBits / 8,
    blockSize: AES_BLOCK,
    cipher: `aes-${keyBits}-cbc`,
    hash: hash.name,
    hashSize: hash.size,
  };
}

const FLAG_CRYPTO_API = 0x04;
const FLAG_EXTERNAL = 0x10;
const FLAG_AES = 0x20;
const AES_ALGORITHMS: Record<number, number> = { 26126: 128, 26127: 192, 26128: 256 };
const SHA1 = 0x8004;

/** [MS-OFFCRYPTO] 2.3.4.5: version, flags, header size, EncryptionHeader, then EncryptionVerifier. */
function readStandard(bytes: Buffer): StandardInfo {
  if (bytes.length < 12 + 32) throw corruptEncryption('its EncryptionInfo stream is cut off');
  const flags = bytes.readUInt32LE(4);
  if (flags & FLAG_EXTERNAL) throw unsupportedEncryption('extensible encryption');
  if (!(flags & FLAG_AES)) throw unsupportedEncryption('RC4 CryptoAPI');
  if (!(flags & FLAG_CRYPTO_API)) throw corruptEncryption('its EncryptionInfo flags are inconsistent');
  const headerSize = bytes.readUInt32LE(8);
  const header = 12;
  const algorithm = bytes.readUInt32LE(header + 8);
  const hashAlgorithm = bytes.readUInt32LE(header + 12);
  const keyBits = bytes.readUInt32LE(header + 16);
  // Zero means "the default for the flags": AES-128 and SHA-1.
  if (algorithm !== 0 && AES_ALGORITHMS[algorithm] !== keyBits) {
    throw corruptEncryption('its EncryptionInfo names a cipher that does not match its key size');
  }
  if (algorithm === 0 && keyBits !== 128) throw corruptEncryption(`its AES key size ${keyBits} is not valid`);
  if (hashAlgorithm !== 0 && hashAlgorithm !== SHA1)
    throw corruptEncryption('its EncryptionInfo names a hash other than SHA-1');
  const verifier = header + headerSize;
  if (headerSize > bytes.length || verifier + 4 > bytes.length)
    throw corruptEncryption('its EncryptionInfo stream is cut off');
  const saltSize = bytes.readUInt32LE(verifier);
  if (saltSize !== 16) throw corruptEncryption(`its salt is ${saltSize} bytes instead of 16`);
  const salt = verifier + 4;
  // Salt, encrypted verifier, verifier hash size, and the SHA-1 hash encrypted to two AES blocks.
  if (salt + 16 + 16 + 4 + 32 > bytes.length) throw corruptEncryption('its EncryptionInfo stream is cut off');
  return {
    kind: 'standard',
    keyBytes: keyBits / 8,
    salt: Buffer.from(bytes.subarray(salt, salt + 16)),
    encryptedVerifier: Buffer.from(bytes.subarray(salt + 16, salt + 32)),
    encryptedVerifierHash: Buffer.from(bytes.subarray(salt + 36, salt + 68)),
  };
}

function integer(element: XmlElement, name: string): number {
  const text = element.attrs[name] ?? '';
  if (!/^\d{1,10}$/.test(text)) throw corruptEncryption(`its ${element.name} has no valid ${name}`);
  return Number(text);
}

function base64(element: XmlElement, name: string): Buffer {
  const text = (element.attrs[name] ?? '').replace(/\s+/g, '');
  if (!text || !/^[A-Za-z0-9+/]+={0,2}$/.test(text))
    throw corruptEncryption(`its ${element.name} has no valid ${name}`);
  return Buffer.from(text, 'base64');
}

/** An encrypted value: whole cipher blocks, or the decryption could only fail later and less clearly. */
function blocks(element: XmlElement, name: string, blockSize: number): Buffer {
  const value = base64(element, name);
  if (value.length % blockSize !== 0) throw corruptEncryption(`its ${name} is not whole cipher blocks`);
  return value;
}
