import { describe, expect, it } from 'vitest';
import { corpusFile } from '../fixtures/corpus.js';
import { expectFailure, parse, texts } from '../fixtures/parse.js';
import { latin1, utf8 } from '../fixtures/text-bytes.js';

describe('XML', () => {
  it('gives the text content of elements, one per line', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE invoice [ <!ENTITY co "ACME > Inc"> ]>
<!-- generated -->
<invoice number="INV-7" xmlns:x="urn:x">
  <customer>Ann &amp; Bob &lt;Ltd&gt; &#8364;&#x31;</customer>
  <x:note><![CDATA[Use <b> & enjoy]]></x:note>
  <empty/>
  <total currency="EUR">99.50</total>
</invoice>`;
    const doc = await parse(utf8(xml), 'invoice.xml');
    expect(doc.fileType).toBe('XML');
    expect(doc.mimeType).toBe('application/xml');
    expect(texts(doc)).toEqual(['Ann & Bob <Ltd> €1\nUse <b> & enjoy\n99.50']);
  });

  it('honours the encoding in the XML declaration', async () => {
    const xml = '<?xml version="1.0" encoding="ISO-8859-15"?><p>5 ¤</p>';
    expect(texts(await parse(latin1(xml), 'price.xml'))).toEqual(['5 €']);
  });

  it('reads UTF-16 XML from the corpus', async () => {
    const [text] = texts(await parse(corpusFile('factbook-utf-16.xml'), 'factbook-utf-16.xml'));
    expect(text).toContain('United States\nWashington, DC');
  });

  it('survives malformed markup', async () => {
    const doc = await parse(utf8('<?xml version="1.0"?><a>one<b>two</a><!-- unclosed <c'), 'broken.xml');
    expect(texts(doc)).toEqual(['one\ntwo']);
  });

  it('fails with CORRUPT_FILE when no element has text', async () => {
    await expectFailure(parse(utf8('<?xml version="1.0"?><a><b/></a>'), 'empty.xml'), 'CORRUPT_FILE');
  });
});
