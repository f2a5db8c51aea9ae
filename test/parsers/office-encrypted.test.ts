import { describe, expect, it } from 'vitest';
import { openCfb } from '../../src/adapters/parsers/cfb-directory.js';
import type { ParseFailure, ParseLimits } from '../../src/ports/parser.js';
import { corpusFile } from '../fixtures/corpus.js';
import { encryptAgile, encryptStandard, writeCfb } from '../fixtures/encrypt-office.js';
import { ENCRYPTED_FIXTURES, encryptedFixture, FIXTURE_PASSWORD } from '../fixtures/office-encrypted.js';
import { DEFAULT_LIMITS, expectFailure, parse, texts } from '../fixtures/parse.js';

/** Password hashing runs 100,000 SHA-512 rounds per try: slow on a busy two-core machine, never wrong. */
const SLOW = 120_000;
const LIMITS: ParseLimits = { ...DEFAULT_LIMITS, timeoutMs: 100_000 };
/** For fixtures built in the tests: the format's minimum work, so the variants stay quick. */
const FAST = { spinCount: 1_000 };

const NEEDED = /^The Office document is encrypted with a password; send its password in the file settings\.$/;
const WRONG = /^The password for this Office document is incorrect\.$/;

const docx = (): Uint8Array => corpusFile('simple.docx');

/** The two streams of an encrypted file, for tests that damage one and rebuild the container. */
function streamsOf(bytes: Uint8Array): { info: Buffer; pkg: Buffer } {
  const cfb = openCfb(bytes);
  const info = cfb?.stream('EncryptionInfo');
  const pkg = cfb?.stream('EncryptedPackage');
  if (!info || !pkg) throw new Error('not an encrypted Office file');
  return { info: Buffer.from(info), pkg: Buffer.from(pkg) };
}

function rebuilt(bytes: Uint8Array, change: (streams: { info: Buffer; pkg: Buffer }) => void): Uint8Array {
  const streams = streamsOf(bytes);
  change(streams);
  return writeCfb({ EncryptionInfo: streams.info, EncryptedPackage: streams.pkg });
}

/** An Agile file whose EncryptionInfo XML is edited as text. */
function agileWithXml(edit: (xml: string) => string, bytes = encryptAgile(docx(), 'pw', FAST)): Uint8Array {
  return rebuilt(bytes, (s) => {
    s.info = Buffer.concat([s.info.subarray(0, 8), Buffer.from(edit(s.info.subarray(8).toString('utf8')))]);
  });
}

const parseWith = (bytes: Uint8Array, name: string, password?: string, limits = LIMITS) =>
  parse(bytes, name, { password: password ?? null, limits });

describe('password-encrypted Office files (MS-OFFCRYPTO)', () => {
  describe.each(ENCRYPTED_FIXTURES)('$file ($scheme encryption of $original)', (fixture) => {
    it(
      'opens with its password and reads as the unencrypted original does',
      async () => {
        const doc = await parseWith(encryptedFixture(fixture.file), fixture.file, FIXTURE_PASSWORD);
        const original = await parse(corpusFile(fixture.original), fixture.original);
        expect(doc.fileType).toBe(fixture.fileType);
        expect(doc.mimeType).toBe(original.mimeType);
        expect(texts(doc)).toEqual(texts(original));
        expect(doc.pages.map((page) => page.markdown)).toEqual(original.pages.map((page) => page.markdown));
      },
      SLOW,
    );

    it(
      'fails with PASSWORD_PROTECTED_FILE without a password and with a wrong one',
      async () => {
        const bytes = encryptedFixture(fixture.file);
        const missing = await expectFailure(parseWith(bytes, fixture.file), 'PASSWORD_PROTECTED_FILE');
        expect(missing.message).toMatch(NEEDED);
        const empty = await expectFailure(parseWith(bytes, fixture.file, ''), 'PASSWORD_PROTECTED_FILE');
        expect(empty.message).toMatch(NEEDED);
        const wrong = await expectFailure(
          parseWith(bytes, fixture.file, 'not-the-password-xyzzy'),
          'PASSWORD_PROTECTED_FILE',
        );
        expect(wrong.message).toMatch(WRONG);
        expect(wrong.message).not.toContain('xyzzy');
      },
      SLOW,
    );
  });

  it(
    "opens the corpus's password_protected.xlsx (Standard encryption written by Excel) with its password, 123",
    async () => {
      const bytes = corpusFile('password_protected.xlsx');
      const doc = await parseWith(bytes, 'password_protected.xlsx', '123');
      expect(doc.fileType).toBe('EXCEL');
      expect(texts(doc)).toEqual(['Sheet1\n\nColumn 1 | Column 2\nRow 1 Column 1 | Row 1 Column 2']);
      const wrong = await expectFailure(
        parseWith(bytes, 'password_protected.xlsx', '1234'),
        'PASSWORD_PROTECTED_FILE',
      );
      expect(wrong.message).toMatch(WRONG);
    },
    SLOW,
  );

  it.each([
    ['SHA1', 128],
    ['SHA256', 192],
    ['SHA384', 256],
    ['SHA512', 128],
  ])(
    'decrypts Agile encryption with %s and %i-bit AES',
    async (hashAlgorithm, keyBits) => {
      const bytes = encryptAgile(docx(), 'pässwörd', { ...FAST, hashAlgorithm, keyBits });
      expect(texts(await parseWith(bytes, 'variant.docx', 'pässwörd'))).toEqual(
        texts(await parse(docx(), 'simple.docx')),
      );
      await expectFailure(parseWith(bytes, 'variant.docx', 'passwörd'), 'PASSWORD_PROTECTED_FILE');
    },
    SLOW,
  );

  it.each([192, 256])(
    'decrypts Standard encryption with %i-bit AES',
    async (keyBits) => {
      const bytes = encryptStandard(corpusFile('stanley-cups.xlsx'), 'secret', keyBits);
      const doc = await parseWith(bytes, 'cups.xlsx', 'secret');
      expect(texts(doc)).toEqual(texts(await parse(corpusFile('stanley-cups.xlsx'), 'stanley-cups.xlsx')));
    },
    SLOW,
  );

  it('detects the decrypted format from its contents, whatever the name says', async () => {
    const bytes = encryptAgile(corpusFile('simple.pptx'), 'pw', FAST);
    expect((await parseWith(bytes, 'misnamed.docx', 'pw')).fileType).toBe('PPTX');
  });

  it('opens an Agile file without the optional dataIntegrity element', async () => {
    const bytes = encryptAgile(docx(), 'pw', { ...FAST, integrity: 'missing' });
    expect((await parseWith(bytes, 'simple.docx', 'pw')).fileType).toBe('DOCX');
  });

  describe('damaged files fail with CORRUPT_FILE', () => {
    const corrupt = async (bytes: Uint8Array, message: RegExp, password = 'pw'): Promise<void> => {
      const failure = await expectFailure(parseWith(bytes, 'broken.docx', password), 'CORRUPT_FILE');
      expect(failure.message).toMatch(/^The encrypted Office document is damaged: /);
      expect(failure.message).toMatch(message);
      expect(failure.message).not.toContain(password);
    };

    it('a truncated EncryptionInfo stream', async () => {
      await corrupt(
        rebuilt(encryptedFixture('simple-agile.docx'), (s) => {
          s.info = s.info.subarray(0, 6);
        }),
        /cut off/,
      );
      // Cut inside the XML: the password key encryptor is gone.
      await corrupt(
        rebuilt(encryptedFixture('simple-agile.docx'), (s) => {
          s.info = s.info.subarray(0, s.info.indexOf('<keyEncryptors'));
        }),
        /no password key encryptor/,
      );
      await corrupt(
        rebuilt(encryptedFixture('simple-standard.docx'), (s) => {
          s.info = s.info.subarray(0, 100);
        }),
        /cut off/,
      );
    });

    it('an EncryptionInfo of an unknown version, or with values the format forbids', async () => {
      await corrupt(
        rebuilt(encryptedFixture('simple-agile.docx'), (s) => {
          s.info.writeUInt16LE(9, 0);
        }),
        /unknown version 9\.4/,
      );
      await corrupt(
        agileWithXml((xml) => xml.replace('spinCount="1000"', 'spinCount="10000001"')),
        /spinCount 10000001 is above the 10000000/,
      );
      await corrupt(
        agileWithXml((xml) => xml.replace(/encryptedKeyValue="[^"]*"/, 'encryptedKeyValue="AAAA"')),
        /encryptedKeyValue is not whole cipher blocks/,
      );
      await corrupt(
        agileWithXml((xml) => xml.replace(/saltValue="[^"]*"/, 'saltValue="%%"')),
        /keyData has no valid saltValue/,
      );
    });

    it('an EncryptedPackage shorter than it declares, or altered (the HMAC check)', async () => {
      await corrupt(
        rebuilt(encryptAgile(docx(), 'pw', FAST), (s) => {
          s.pkg = s.pkg.subarray(0, s.pkg.length - 4096);
        }),
        /shorter than the size it declares/,
      );
      await corrupt(
        rebuilt(encryptAgile(docx(), 'pw', FAST), (s) => {
          s.pkg[5000] = (s.pkg[5000] ?? 0) ^ 0xff;
        }),
        /integrity check \(HMAC\)/,
      );
      await corrupt(encryptAgile(docx(), 'pw', { ...FAST, integrity: 'wrong' }), /integrity check/);
    });

    it('a Standard package that decrypts to something other than an Office file', async () => {
      await corrupt(
        encryptStandard(new TextEncoder().encode('plain text, not a ZIP'.repeat(20)), 'pw'),
        /decrypts to something other than a DOCX, XLSX or PPTX file/,
      );
    });

    it('an OLE container named .docx whose streams cannot be read, when a password comes with it', async () => {
      const bytes = new Uint8Array(2048).fill(0xee);
      bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
      await corrupt(bytes, /streams cannot be read/);
      // Without one, asking for the password is the likelier answer (office-legacy.test.ts).
      expect(
        (await expectFailure(parseWith(bytes, 'secret.docx'), 'PASSWORD_PROTECTED_FILE')).message,
      ).toMatch(NEEDED);
    });
  });

  describe('encryption Docsort does not decrypt fails with PASSWORD_PROTECTED_FILE, naming it', () => {
    const refused = async (bytes: Uint8Array, message: RegExp): Promise<ParseFailure> => {
      const failure = await expectFailure(parseWith(bytes, 'old.docx', 'pw'), 'PASSWORD_PROTECTED_FILE');
      expect(failure.message).toMatch(message);
      expect(failure.message).toMatch(/remove the password and upload it again/);
      // The same answer without a password: there is no point asking for one.
      await expectFailure(parseWith(bytes, 'old.docx'), 'PASSWORD_PROTECTED_FILE');
      return failure;
    };

    it('RC4 CryptoAPI and extensible encryption', async () => {
      await refused(
        rebuilt(encryptedFixture('simple-standard.docx'), (s) => {
          s.info.writeUInt32LE(0x04, 4); // fCryptoAPI without fAES
        }),
        /RC4 CryptoAPI/,
      );
      await refused(
        rebuilt(encryptedFixture('simple-standard.docx'), (s) => {
          s.info.writeUInt16LE(3, 2); // version 4.3 / 3.3
        }),
        /extensible encryption/,
      );
    });

    it('other ciphers, chaining modes and hashes, and files encrypted for certificates only', async () => {
      await refused(
        agileWithXml((xml) => xml.replaceAll('cipherAlgorithm="AES"', 'cipherAlgorithm="3DES"')),
        /3DES cipher/,
      );
      await refused(
        agileWithXml((xml) => xml.replaceAll('ChainingModeCBC', 'ChainingModeCFB')),
        /AES in ChainingModeCFB mode/,
      );
      await refused(
        agileWithXml((xml) => xml.replaceAll('"SHA512"', '"WHIRLPOOL"')),
        /WHIRLPOOL hash/,
      );
      await refused(
        agileWithXml((xml) => xml.replace('keyEncryptor/password">', 'keyEncryptor/certificate">')),
        /certificate instead of a password/,
      );
    });
  });

  describe('limits', () => {
    it(
      'refuses a package that decrypts past the unpacking limit, before deriving any key',
      async () => {
        const failure = await expectFailure(
          parseWith(encryptedFixture('simple-agile.docx'), 'simple.docx', 'wrong', {
            ...LIMITS,
            maxUncompressedBytes: 10_000,
          }),
          'FILE_SIZE_TOO_LARGE',
        );
        expect(failure.message).toMatch(/decrypts to 36775 bytes; the limit is 10000 bytes/);
      },
      SLOW,
    );

    it('runs the ZIP checks on the decrypted package', async () => {
      const failure = await expectFailure(
        parseWith(encryptAgile(docx(), 'pw', FAST), 'simple.docx', 'pw', { ...LIMITS, maxZipEntries: 3 }),
        'FILE_SIZE_TOO_LARGE',
      );
      expect(failure.message).toMatch(/more than 3 entries/);
    });

    it(
      'stops deriving the key when the time budget runs out',
      async () => {
        // The format's maximum spinCount: about 15 s of SHA-512 hashing if it were not stopped.
        const bytes = encryptAgile(new Uint8Array(16), 'pw', { spinCount: 0 });
        const slow = agileWithXml((xml) => xml.replace('spinCount="0"', 'spinCount="10000000"'), bytes);
        const failure = await expectFailure(
          parseWith(slow, 'slow.docx', 'pw', { ...LIMITS, timeoutMs: 200 }),
          'INTERNAL_ERROR',
        );
        expect(failure.message).toMatch(/timed out/);
      },
      SLOW,
    );
  });
});
