import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseFailure, type ParseFailureReason } from '../../src/ports/parser.js';
import { corpusFile, listCorpusFiles } from '../fixtures/corpus.js';
import { parse } from '../fixtures/parse.js';

/**
 * The Office and e-mail files of the shared corpus, with the outcome each must have: every one not listed
 * here parses to non-empty text. The general sweep (corpus-sweep.test.ts) only asks for "parses or fails
 * cleanly"; this pins the formats that used to be FILE_TYPE_NOT_SUPPORTED as a whole.
 */
const OFFICE_OR_MAIL = /\.(docx?|xlsx?|pptx?|eml|msg|odt)$/i;

const EXPECTED_FAILURES: Record<string, ParseFailureReason> = {
  // Legacy binary formats (OLE): save as .docx / .xlsx / .pptx.
  'duplicate-paragraphs.doc': 'FILE_TYPE_NOT_SUPPORTED',
  'fake-doc-emphasized-text.doc': 'FILE_TYPE_NOT_SUPPORTED',
  'fake.doc': 'FILE_TYPE_NOT_SUPPORTED',
  'simple.doc': 'FILE_TYPE_NOT_SUPPORTED',
  'tests-example.xls': 'FILE_TYPE_NOT_SUPPORTED',
  'fake-power-point.ppt': 'FILE_TYPE_NOT_SUPPORTED',
  'fake-email-attachment.msg': 'FILE_TYPE_NOT_SUPPORTED',
  'fake-email-with-cc-and-bcc.msg': 'FILE_TYPE_NOT_SUPPORTED',
  'fake-email.msg': 'FILE_TYPE_NOT_SUPPORTED',
  'fake-encrypted.msg': 'FILE_TYPE_NOT_SUPPORTED',
  'fake.odt': 'FILE_TYPE_NOT_SUPPORTED',
  'simple.odt': 'FILE_TYPE_NOT_SUPPORTED',
  'language-docs/eng_spa_mult.odt': 'FILE_TYPE_NOT_SUPPORTED',
  // Encrypted Office Open XML (an OLE container with EncryptionInfo).
  'password_protected.xlsx': 'PASSWORD_PROTECTED_FILE',
  // Nothing to read: a workbook without values, a blank message, slides that are only pictures.
  'empty.xlsx': 'CORRUPT_FILE',
  'eml/empty.eml': 'CORRUPT_FILE',
  'picture.pptx': 'CORRUPT_FILE',
  'test-image-jpg-mime.pptx': 'CORRUPT_FILE',
};

describe('Office and e-mail files of the corpus', () => {
  const files = listCorpusFiles().filter((file) => OFFICE_OR_MAIL.test(file));

  it('finds them, and every expected failure names a file that exists', () => {
    expect(files.length).toBeGreaterThan(80);
    for (const file of Object.keys(EXPECTED_FAILURES)) expect(files).toContain(file);
  });

  it.each(files)(
    '%s',
    async (file) => {
      const outcome = await parse(corpusFile(file), path.basename(file), {
        limits: { maxPages: 1000, timeoutMs: 120_000 },
      }).then(
        (doc) => ({ doc }),
        (error: unknown) => ({ error }),
      );
      const expected = EXPECTED_FAILURES[file];
      if (expected) {
        expect('error' in outcome && outcome.error).toBeInstanceOf(ParseFailure);
        expect('error' in outcome && (outcome.error as ParseFailure).reason).toBe(expected);
      } else {
        if ('error' in outcome) throw outcome.error;
        expect(['DOCX', 'EXCEL', 'PPTX', 'EML']).toContain(outcome.doc.fileType);
        expect(
          outcome.doc.pages
            .map((page) => page.text)
            .join('')
            .trim(),
        ).not.toBe('');
      }
    },
    120_000,
  );
});
