import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { readZipDirectory } from '../../src/adapters/parsers/zip-directory.js';
import { checkZipLimits } from '../../src/adapters/parsers/zip-limits.js';
import { makeDocx, makePptx, makeZip, para, shape } from '../fixtures/make-office.js';
import { DEFAULT_LIMITS, expectFailure, parse } from '../fixtures/parse.js';

const MB = 1024 * 1024;

/** Adds entries to an existing ZIP (an Office file), deflated. */
async function withEntries(
  zipBytes: Uint8Array,
  entries: Record<string, Uint8Array | string>,
): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(zipBytes);
  for (const [name, content] of Object.entries(entries)) zip.file(name, content);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** Rewrites fields of one entry's central directory header: what a hand-crafted bomb lies about. */
function patchCentralHeader(
  zipBytes: Uint8Array,
  name: string,
  patch: (view: DataView, at: number) => void,
): Uint8Array {
  const bytes = zipBytes.slice();
  const view = new DataView(bytes.buffer);
  for (let at = 0; at + 46 < bytes.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    if (Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString() === name) {
      patch(view, at);
      return bytes;
    }
  }
  throw new Error(`no central header for ${name}`);
}

const setUncompressedSize = (size: number) => (view: DataView, at: number) =>
  view.setUint32(at + 24, size, true);

const OFFICE_FILES: [string, () => Promise<Uint8Array>][] = [
  ['report.docx', () => makeDocx(para('Hello'))],
  ['deck.pptx', () => makePptx([{ shapes: [shape(['Hello'])] }])],
  [
    'book.xlsx',
    async () => {
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('S').addRow(['Hello']);
      return new Uint8Array(await workbook.xlsx.writeBuffer());
    },
  ],
];

describe('ZIP guards for Office files', () => {
  it.each(OFFICE_FILES)('refuses %s when it unpacks past maxUncompressedBytes', async (name, make) => {
    const bomb = await withEntries(await make(), { 'padding.bin': new Uint8Array(8 * MB) });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const failure = await expectFailure(
      parse(bomb, name, { limits: { ...DEFAULT_LIMITS, maxUncompressedBytes: 4 * MB } }),
      'FILE_SIZE_TOO_LARGE',
    );
    expect(failure.message).toMatch(/unpacks to 8\.\d MB; the limit is 4\.0 MB/);
    // Within a higher limit the same file parses.
    const doc = await parse(bomb, name, { limits: { ...DEFAULT_LIMITS, maxUncompressedBytes: 16 * MB } });
    expect(doc.pages[0]?.text).toContain('Hello');
  });

  it('refuses a directory declaring more than the default 200 MB before inflating anything', async () => {
    const docx = await withEntries(await makeDocx(para('x')), { 'padding.bin': 'small' });
    const bomb = patchCentralHeader(docx, 'padding.bin', setUncompressedSize(300 * MB));
    const failure = await expectFailure(parse(bomb, 'bomb.docx'), 'FILE_SIZE_TOO_LARGE');
    expect(failure.message).toMatch(/the limit is 200\.0 MB/);
  });

  it('stops an entry that inflates beyond the size it declares (a lying bomb)', async () => {
    const docx = await withEntries(await makeDocx(para('x')), { 'padding.bin': new Uint8Array(2 * MB) });
    const liar = patchCentralHeader(docx, 'padding.bin', setUncompressedSize(1000));
    const failure = await expectFailure(parse(liar, 'liar.docx'), 'FILE_SIZE_TOO_LARGE');
    expect(failure.message).toMatch(/padding\.bin\) that inflates beyond the 1000 bytes it declares/);
  });

  it('refuses more entries than maxZipEntries (default 10,000)', async () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`parts/p${i}.xml`, '']));
    const docx = await withEntries(await makeDocx(para('x')), many);
    const failure = await expectFailure(parse(docx, 'many.docx'), 'FILE_SIZE_TOO_LARGE');
    expect(failure.message).toMatch(/more than 10000 entries/);
    const few = await withEntries(await makeDocx(para('x')), { 'a.xml': '', 'b.xml': '' });
    await expectFailure(
      parse(few, 'few.docx', { limits: { ...DEFAULT_LIMITS, maxZipEntries: 5 } }),
      'FILE_SIZE_TOO_LARGE',
    );
  }, 60_000);

  it('fails with CORRUPT_FILE for a truncated archive or damaged compressed data', async () => {
    const docx = await makeDocx(para('Hello '.repeat(2000)));
    await expectFailure(parse(docx.subarray(0, docx.length - 30), 'cut.docx'), 'CORRUPT_FILE');
    const entry = readZipDirectory(docx, 100).find((e) => e.name === 'word/document.xml');
    if (!entry) throw new Error('no document entry');
    const damaged = docx.slice();
    const dataStart = entry.localHeaderOffset + 30 + 'word/document.xml'.length;
    damaged.fill(0xff, dataStart, dataStart + 16);
    const failure = await expectFailure(parse(damaged, 'damaged.docx'), 'CORRUPT_FILE');
    expect(failure.message).toMatch(/word\/document\.xml does not inflate/);
    const junk = new Uint8Array(5000).fill(7);
    junk.set([0x50, 0x4b, 0x03, 0x04]);
    await expectFailure(parse(junk, 'junk.xlsx'), 'CORRUPT_FILE');
  });

  it('fails with PASSWORD_PROTECTED_FILE for a ZIP whose entries are encrypted', async () => {
    const docx = await makeDocx(para('x'));
    const locked = patchCentralHeader(docx, 'word/document.xml', (view, at) =>
      view.setUint16(at + 8, 1, true),
    );
    await expectFailure(parse(locked, 'locked.docx'), 'PASSWORD_PROTECTED_FILE');
  });

  it('reads ZIP64 directories (sizes in the extra field) like jszip does', async () => {
    const zip64 = makeStoredZip64('hello.txt', Buffer.from('hello zip64'));
    expect(await (await JSZip.loadAsync(zip64)).file('hello.txt')?.async('string')).toBe('hello zip64');
    const [entry] = readZipDirectory(zip64, 10);
    expect(entry).toMatchObject({
      name: 'hello.txt',
      compressedSize: 11,
      uncompressedSize: 11,
      localHeaderOffset: 0,
    });
    await expect(checkZipLimits(zip64, DEFAULT_LIMITS, 'file')).resolves.toHaveLength(1);
    const huge = makeStoredZip64('hello.txt', Buffer.from('hello zip64'), 2 ** 40);
    await expectFailure(checkZipLimits(huge, DEFAULT_LIMITS, 'file'), 'FILE_SIZE_TOO_LARGE');
  });

  it('leaves plain archives alone (a .zip is not an Office file)', async () => {
    const zip = await makeZip({ 'a.txt': 'x' });
    await expectFailure(parse(zip, 'bundle.zip'), 'FILE_TYPE_NOT_SUPPORTED');
  });
});

/** One stored entry with every size and offset in ZIP64 fields; `declared` overrides the uncompressed size. */
function makeStoredZip64(name: string, data: Buffer, declared = data.length): Uint8Array {
  const nameBytes = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30 + nameBytes.length + 20);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(0xffffffff, 18);
  local.writeUInt32LE(0xffffffff, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(20, 28);
  nameBytes.copy(local, 30);
  const localExtra = 30 + nameBytes.length;
  local.writeUInt16LE(1, localExtra);
  local.writeUInt16LE(16, localExtra + 2);
  local.writeBigUInt64LE(BigInt(data.length), localExtra + 4);
  local.writeBigUInt64LE(BigInt(data.length), localExtra + 12);
  const central = Buffer.alloc(46 + nameBytes.length + 28);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(45, 4);
  central.writeUInt16LE(45, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(0xffffffff, 20);
  central.writeUInt32LE(0xffffffff, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt16LE(28, 30);
  central.writeUInt32LE(0xffffffff, 42);
  nameBytes.copy(central, 46);
  const extra = 46 + nameBytes.length;
  central.writeUInt16LE(1, extra);
  central.writeUInt16LE(24, extra + 2);
  central.writeBigUInt64LE(BigInt(declared), extra + 4);
  central.writeBigUInt64LE(BigInt(data.length), extra + 12);
  central.writeBigUInt64LE(0n, extra + 20);
  const cdOffset = local.length + data.length;
  const end64 = Buffer.alloc(56);
  end64.writeUInt32LE(0x06064b50, 0);
  end64.writeBigUInt64LE(44n, 4);
  end64.writeUInt16LE(45, 12);
  end64.writeUInt16LE(45, 14);
  end64.writeBigUInt64LE(1n, 24);
  end64.writeBigUInt64LE(1n, 32);
  end64.writeBigUInt64LE(BigInt(central.length), 40);
  end64.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + central.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return new Uint8Array(Buffer.concat([local, data, central, end64, locator, end]));
}
