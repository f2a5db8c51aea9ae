import { describe, expect, it } from 'vitest';
import { readCfbNames } from '../../src/adapters/parsers/cfb-directory.js';
import { corpusFile } from '../fixtures/corpus.js';
import { expectFailure, parse, parser } from '../fixtures/parse.js';

const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** A file that starts like an OLE container but whose directory cannot be read. */
function damagedCfb(): Uint8Array {
  const bytes = new Uint8Array(2048).fill(0xee);
  bytes.set(CFB_SIGNATURE);
  return bytes;
}

describe('legacy and encrypted Office files (OLE containers)', () => {
  it.each([
    ['simple.doc', 'Word 97-2003 document', '.docx'],
    ['tests-example.xls', 'Excel 97-2003 workbook', '.xlsx'],
    ['fake-power-point.ppt', 'PowerPoint 97-2003 presentation', '.pptx'],
  ])('refuses %s as a %s and says to save it as %s', async (file, label, modern) => {
    const failure = await expectFailure(parse(corpusFile(file), file), 'FILE_TYPE_NOT_SUPPORTED');
    expect(failure.message).toContain(`Unsupported file type: ${label} (${file}).`);
    expect(failure.message).toContain(`Save it as ${modern} and upload it again.`);
    expect(parser.detect(corpusFile(file), file)).toBeNull();
  });

  it('tells the legacy format from the container, not the name', async () => {
    const failure = await expectFailure(
      parse(corpusFile('simple.doc'), 'renamed.xlsx'),
      'FILE_TYPE_NOT_SUPPORTED',
    );
    expect(failure.message).toMatch(/Word 97-2003 document/);
  });

  it('refuses Outlook .msg files, suggesting .eml', async () => {
    const failure = await expectFailure(
      parse(corpusFile('fake-email.msg'), 'fake-email.msg'),
      'FILE_TYPE_NOT_SUPPORTED',
    );
    expect(failure.message).toMatch(/Outlook message \(MSG\).*export it as \.eml/);
  });

  it('finds EncryptionInfo and EncryptedPackage in an encrypted workbook', () => {
    const names = readCfbNames(corpusFile('password_protected.xlsx'));
    expect(names).toEqual(expect.arrayContaining(['EncryptionInfo', 'EncryptedPackage']));
    expect(readCfbNames(corpusFile('simple.doc'))).toContain('WordDocument');
    expect(readCfbNames(damagedCfb())).toBeNull();
  });

  it('falls back to the name when the container is damaged', async () => {
    // An OLE file named like Office Open XML is how Office saves password-protected files.
    await expectFailure(parse(damagedCfb(), 'secret.docx'), 'PASSWORD_PROTECTED_FILE');
    const legacy = await expectFailure(parse(damagedCfb(), 'old.xls'), 'FILE_TYPE_NOT_SUPPORTED');
    expect(legacy.message).toMatch(/Excel 97-2003 workbook/);
    const unknown = await expectFailure(parse(damagedCfb(), 'mystery.bin'), 'FILE_TYPE_NOT_SUPPORTED');
    expect(unknown.message).toMatch(/Microsoft Office 97-2003 file/);
  });

  it('refuses OpenDocument files, suggesting an Office Open XML format', async () => {
    const failure = await expectFailure(
      parse(corpusFile('simple.odt'), 'simple.odt'),
      'FILE_TYPE_NOT_SUPPORTED',
    );
    expect(failure.message).toMatch(/OpenDocument text.*Save it as \.docx, \.xlsx or \.pptx/);
  });
});
