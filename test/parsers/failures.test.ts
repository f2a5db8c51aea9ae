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

  it('names the detected kind for a PNG, even one called .txt', async () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44,
    ]);
    const failure = await expectFailure(parse(png, 'notes.txt'), 'FILE_TYPE_NOT_SUPPORTED');
    expect(failure.message).toMatch(/PNG image \(notes\.txt\)/);
  });

  it('names Office documents by their extension', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]);
    const failure = await expectFailure(parse(zip, 'contract.docx'), 'FILE_TYPE_NOT_SUPPORTED');
    expect(failure.message).toMatch(/DOCX document/);
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
