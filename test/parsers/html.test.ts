import { describe, expect, it } from 'vitest';
import { corpusFile } from '../fixtures/corpus.js';
import { expectFailure, parse, texts } from '../fixtures/parse.js';
import { latin1, utf8, utf16be, utf16le } from '../fixtures/text-bytes.js';

const PAGE = `<!DOCTYPE html>
<html><head><title>Ignored title</title><style>body { color: red }</style>
<script>var secret = "do not index";</script></head>
<body>
  <h1>Quarterly   Report</h1>
  <p>Revenue grew <b>12%</b>. See <a href="https://example.com/x">details</a>.</p>
  <script>document.write("nor this")</script>
  <div style="display:none">hidden tagged data</div>
  <ul><li>One</li><li>Two</li></ul>
  <table><tr><th>Item</th><th>Price</th></tr><tr><td>Widget</td><td>9.99</td></tr></table>
</body></html>`;

describe('HTML', () => {
  it('extracts the visible text without script, style or link targets', async () => {
    const doc = await parse(utf8(PAGE), 'report.html');
    expect(doc.fileType).toBe('HTML');
    expect(doc.mimeType).toBe('text/html');
    const [text] = texts(doc);
    expect(text).toContain('Quarterly Report');
    expect(text).toContain('Revenue grew 12%. See details.');
    expect(text).toContain('* One\n* Two');
    expect(text).toMatch(/Item Price\nWidget 9.99/);
    for (const absent of [
      'color: red',
      'do not index',
      'nor this',
      'example.com',
      'hidden tagged',
      'Ignored',
    ]) {
      expect(text).not.toContain(absent);
    }
    expect(doc.pages[0]?.markdown).toBe(text);
  });

  it.each([
    ['UTF-16 LE', utf16le('<html><body><p>Grüße aus Köln</p></body></html>')],
    ['UTF-16 BE', utf16be('<html><body><p>Grüße aus Köln</p></body></html>')],
  ])('decodes %s HTML with a BOM', async (_, bytes) => {
    expect(texts(await parse(bytes, 'page.html'))).toEqual(['Grüße aus Köln']);
  });

  it('honours <meta charset>', async () => {
    const html = '<html><head><meta charset="iso-8859-15"></head><body>Prix : 5 ¤</body></html>';
    // In ISO-8859-15 byte 0xA4 is the euro sign (in Latin-1 it is the currency sign ¤).
    expect(texts(await parse(latin1(html), 'price.html'))).toEqual(['Prix : 5 €']);
    const windows1251 = new Uint8Array([
      ...Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>'),
      0xcf,
      0xf0,
      0xe8,
      0xe2,
      0xe5,
      0xf2,
      ...Buffer.from('</p>'),
    ]);
    expect(texts(await parse(windows1251, 'ru.html'))).toEqual(['Привет']);
  });

  it('falls back to Windows-1252 for undeclared legacy pages', async () => {
    const [text] = texts(await parse(corpusFile('fake-html-cp1252.html'), 'fake-html-cp1252.html'));
    expect(text).toContain('€');
    expect(text).toContain('été');
  });

  it('fails with CORRUPT_FILE when the page has no text', async () => {
    const failure = await expectFailure(
      parse(utf8('<html><body><img src="a.png"><script>x()</script></body></html>'), 'empty.html'),
      'CORRUPT_FILE',
    );
    expect(failure.message).toBe('The HTML file contains no text.');
  });
});
