import { describe, expect, it } from 'vitest';
import { expectFailure, parse } from '../fixtures/parse.js';
import { junkBytes } from '../fixtures/text-bytes.js';

describe('unsupported and unreadable files', () => {
  it('fails with CORRUPT_FILE for an empty file of any type', async () => {
    for (const name of ['empty.pdf', 'empty.csv', 'empty.png', 'empty']) {
      const failure = await expectFailure(parse(new Uint8Array(), name), 'CORRUPT_FILE');
      expect(failure.message).toBe('The file is empty.');
    }
  });

  it('names the detected kind of an image it cannot read, even one called .txt', async () => {
    const heic = new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0]);
    const failure = await expectFailure(parse(heic, 'notes.txt'), 'FILE_TYPE_NOT_SUPPORTED');
    expect(failure.message).toMatch(/HEIC image \(notes\.txt\)/);
  });

  it('names archives it does not read', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]);
    const failure = await expectFailure(parse(zip, 'bundle.zip'), 'FILE_TYPE_NOT_SUPPORTED');
    expect(failure.message).toMatch(/ZIP archive \(bundle\.zip\)/);
  });

  it('does not read random binary data named .txt as text', async () => {
    const failure = await expectFailure(parse(junkBytes(10_000), 'random.txt'), 'FILE_TYPE_NOT_SUPPORTED');
    expect(failure.message).toMatch(/binary data \(\.txt\)/);
  });

  it('does not read binary data without NUL bytes as text', async () => {
    const noNul = junkBytes(10_000).map((byte) => byte || 1);
    await expectFailure(parse(noNul, 'random.csv'), 'FILE_TYPE_NOT_SUPPORTED');
  });
});
