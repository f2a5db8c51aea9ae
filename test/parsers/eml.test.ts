import { describe, expect, it } from 'vitest';
import { corpusFile } from '../fixtures/corpus.js';
import { makePdf } from '../fixtures/make-pdf.js';
import { expectFailure, parse, parser, texts } from '../fixtures/parse.js';
import { utf8, utf16le } from '../fixtures/text-bytes.js';

const crlf = (lines: string[]): Uint8Array => utf8(lines.join('\r\n'));
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const HEADERS = [
  'From: "Alice Example" <alice@example.com>',
  'To: bob@example.com, Carol <carol@example.com>',
  'Cc: dave@example.com',
  'Date: Tue, 05 Mar 2024 10:00:00 +0100',
  // "Rechnung März" as an RFC 2047 encoded word.
  `Subject: =?UTF-8?B?${Buffer.from('Rechnung März').toString('base64')}?=`,
  'MIME-Version: 1.0',
];

describe('EML', () => {
  it('gives the headers and the text part, decoding charsets and transfer encodings', async () => {
    const eml = crlf([
      ...HEADERS,
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=FC=DFe Bob,',
      '',
      'anbei die Rechnung f=FCr M=E4rz.',
    ]);
    const doc = await parse(eml, 'invoice.eml');
    expect(doc.fileType).toBe('EML');
    expect(doc.mimeType).toBe('message/rfc822');
    expect(doc.attachments).toEqual([]);
    expect(doc.pages).toEqual([
      {
        pageNumber: 1,
        text: [
          'From: "Alice Example" <alice@example.com>',
          'To: bob@example.com, "Carol" <carol@example.com>',
          'Cc: dave@example.com',
          'Date: Tue, 05 Mar 2024 10:00:00 +0100',
          'Subject: Rechnung März',
          '',
          'Grüße Bob,',
          '',
          'anbei die Rechnung für März.',
        ].join('\n'),
        markdown: [
          '**From:** "Alice Example" <alice@example.com>',
          '**To:** bob@example.com, "Carol" <carol@example.com>',
          '**Cc:** dave@example.com',
          '**Date:** Tue, 05 Mar 2024 10:00:00 +0100',
          '**Subject:** Rechnung März',
          '',
          'Grüße Bob,',
          '',
          'anbei die Rechnung für März.',
        ].join('\n'),
      },
    ]);
  });

  it('reads an HTML-only message through html-to-text, without scripts, styles or tags', async () => {
    const eml = crlf([
      ...HEADERS,
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><head><style>p{color:red}</style></head><body><script>alert(1)</script>',
      '<h1>Your order</h1><p>Thanks for ordering <a href="https://shop.example">at our shop</a>.</p>',
      '<table><tr><td>Widget</td><td>2</td></tr></table></body></html>',
    ]);
    const body = (await parse(eml, 'order.eml')).pages[0]?.text.split('\n\n').slice(1).join('\n\n');
    expect(body).toBe('Your order\n\nThanks for ordering at our shop.\n\nWidget 2');
  });

  it('returns attachments for the caller to store as child files, and names them in the text', async () => {
    const pdf = makePdf(['Invoice 42']);
    const eml = crlf([
      ...HEADERS,
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Two files attached.',
      '--b1',
      'Content-Type: application/pdf; name="invoice-42.pdf"',
      'Content-Disposition: attachment; filename="invoice-42.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      base64(pdf),
      '--b1',
      'Content-Type: text/csv',
      'Content-Disposition: attachment',
      '',
      'a,b',
      '--b1--',
    ]);
    const doc = await parse(eml, 'mail.eml');
    expect(doc.pages[0]?.text).toContain(
      'Attachments: invoice-42.pdf, attachment-2.csv\n\nTwo files attached.',
    );
    expect(
      doc.attachments?.map(({ fileName, mimeType, inline }) => ({ fileName, mimeType, inline })),
    ).toEqual([
      { fileName: 'invoice-42.pdf', mimeType: 'application/pdf', inline: false },
      { fileName: 'attachment-2.csv', mimeType: 'text/csv', inline: false },
    ]);
    expect(doc.attachments?.[0]?.bytes).toEqual(pdf);
    // A child file parses like any upload.
    const child = doc.attachments?.[0];
    if (!child) throw new Error('no attachment');
    expect(texts(await parse(child.bytes, child.fileName))).toEqual(['Invoice 42']);

    const capped = await parse(eml, 'mail.eml', {
      limits: { maxPages: 10, timeoutMs: 30_000, maxAttachments: 1 },
    });
    expect(capped.attachments?.map((a) => a.fileName)).toEqual(['invoice-42.pdf']);
    expect(capped.skippedAttachments).toEqual([
      { fileName: 'attachment-2.csv', sizeBytes: 3, reason: 'over the limit of 1 attachments' },
    ]);
    const small = await parse(eml, 'mail.eml', {
      limits: { maxPages: 10, timeoutMs: 30_000, maxAttachmentBytes: 100 },
    });
    expect(small.attachments?.map((a) => a.fileName)).toEqual(['attachment-2.csv']);
    expect(small.skippedAttachments?.[0]?.fileName).toBe('invoice-42.pdf');
  });

  it('decodes a UTF-16 part', async () => {
    const part = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hällo wörld, 你好', 'utf16le')]);
    const eml = crlf([
      ...HEADERS,
      'Content-Type: text/plain; charset=utf-16',
      'Content-Transfer-Encoding: base64',
      '',
      base64(part),
    ]);
    expect((await parse(eml, 'wide.eml')).pages[0]?.text).toMatch(/\n\nHällo wörld, 你好$/);
  });

  it('reads a message saved as a whole in UTF-16, with or without a byte-order mark', async () => {
    const source = [...HEADERS, 'Content-Type: text/plain', '', 'Saved by a Windows tool.'].join('\r\n');
    for (const bytes of [utf16le(source), utf16le(source, false)]) {
      const doc = await parse(bytes, 'saved.eml');
      expect(doc.pages[0]?.text).toContain('Subject: Rechnung März\n\nSaved by a Windows tool.');
    }
    const corpus = await parse(corpusFile('eml/fake-email-utf-16-be.eml'), 'fake-email-utf-16-be.eml');
    expect(corpus.pages[0]?.text).toContain('Subject: Test Email');
    expect(corpus.pages[0]?.text).toContain('This is a test email to use for unit tests.');
  });

  it('marks inline images (cid references) as inline attachments', async () => {
    const corpus = await parse(
      corpusFile('eml/fake-email-image-embedded.eml'),
      'fake-email-image-embedded.eml',
    );
    expect(corpus.attachments?.length).toBe(1);
    expect(corpus.attachments?.[0]?.mimeType).toMatch(/^image\//);
    expect(corpus.attachments?.[0]?.inline).toBe(true);
  });

  it('detects a message by its headers when the name has no extension, but keeps a .txt as text', () => {
    const eml = crlf([...HEADERS, 'Content-Type: text/plain', '', 'Hi']);
    expect(parser.detect(eml, 'message')?.fileType).toBe('EML');
    expect(parser.detect(eml, 'upload', 'message/rfc822')?.fileType).toBe('EML');
    expect(parser.detect(eml, 'message.txt')?.fileType).toBe('TXT');
    expect(parser.detect(utf8('Subject: notes\nThings to do today.\n'), 'notes')?.fileType).toBe('TXT');
    const bareMime = utf8(
      'MIME-Version: 1.0\nContent-Type: multipart/signed; boundary=x\n\n--x\nsigned\n--x--\n',
    );
    expect(parser.detect(bareMime, 'signed-doc.p7s')?.fileType).toBe('TXT');
  });

  it('parses a message with headers and no body', async () => {
    const doc = await parse(crlf([...HEADERS, '', '']), 'empty-body.eml');
    expect(doc.pages[0]?.text.endsWith('Subject: Rechnung März')).toBe(true);
  });

  it('fails with CORRUPT_FILE for an empty or blank file', async () => {
    await expectFailure(parse(utf8('  \r\n\r\n '), 'blank.eml'), 'CORRUPT_FILE');
    await expectFailure(parse(corpusFile('eml/empty.eml'), 'empty.eml'), 'CORRUPT_FILE');
  });
});
