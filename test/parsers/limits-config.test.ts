import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createParser } from '../../src/main/container.js';
import type { DocumentParser } from '../../src/ports/parser.js';
import { corpusFile } from '../fixtures/corpus.js';
import { DEFAULT_LIMITS, expectFailure } from '../fixtures/parse.js';

// category-level.docx: 12 ZIP entries unpacking to 59,312 bytes; fake-power-point.pptx: 40 entries, 230,209 bytes.
const docx = corpusFile('category-level.docx');
const pptx = corpusFile('fake-power-point.pptx');

/** The parser the server builds from these environment variables: config, then the container's createParser. */
function parserFrom(env: Record<string, string>): DocumentParser {
  return createParser(loadConfig({ DOCSORT_LOG_LEVEL: 'silent', ...env }).parsing);
}

const parse = (parser: DocumentParser, bytes: Uint8Array, fileName: string) =>
  parser.parse({ bytes, fileName, limits: DEFAULT_LIMITS });

describe('container limits from the environment', () => {
  it('defaults to 200 MB unpacked, 10,000 entries, 50 attachments and 100 MB of them', () => {
    expect(loadConfig({}).parsing).toMatchObject({
      maxUncompressedBytes: 200 * 1024 * 1024,
      maxZipEntries: 10_000,
      maxAttachments: 50,
      maxAttachmentBytes: 100 * 1024 * 1024,
    });
    expect(() => loadConfig({ DOCSORT_MAX_ZIP_ENTRIES: '0' })).toThrow(/DOCSORT_MAX_ZIP_ENTRIES/);
    expect(() => loadConfig({ DOCSORT_MAX_UNCOMPRESSED_BYTES: '1.5' })).toThrow(
      /DOCSORT_MAX_UNCOMPRESSED_BYTES/,
    );
  });

  describe('in the server process (DOCSORT_PARSE_ISOLATION=none)', () => {
    const defaults = parserFrom({ DOCSORT_PARSE_ISOLATION: 'none' });
    const fewEntries = parserFrom({ DOCSORT_PARSE_ISOLATION: 'none', DOCSORT_MAX_ZIP_ENTRIES: '20' });
    const smallUnpacked = parserFrom({
      DOCSORT_PARSE_ISOLATION: 'none',
      DOCSORT_MAX_UNCOMPRESSED_BYTES: '100000',
    });
    afterAll(() => Promise.all([defaults, fewEntries, smallUnpacked].map((p) => p.close?.())));

    it('a lowered DOCSORT_MAX_ZIP_ENTRIES refuses a real presentation with FILE_SIZE_TOO_LARGE', async () => {
      expect((await parse(defaults, pptx, 'deck.pptx')).pages.length).toBeGreaterThan(0);
      const failure = await expectFailure(parse(fewEntries, pptx, 'deck.pptx'), 'FILE_SIZE_TOO_LARGE');
      expect(failure.message).toMatch(/more than 20 entries/);
      // A file within the lowered limit still parses.
      expect((await parse(fewEntries, docx, 'report.docx')).pages.length).toBeGreaterThan(0);
    });

    it('a lowered DOCSORT_MAX_UNCOMPRESSED_BYTES refuses it too', async () => {
      const failure = await expectFailure(parse(smallUnpacked, pptx, 'deck.pptx'), 'FILE_SIZE_TOO_LARGE');
      expect(failure.message).toMatch(/unpacks to 230209 bytes; the limit is 100000 bytes/);
      expect((await parse(smallUnpacked, docx, 'report.docx')).pages.length).toBeGreaterThan(0);
    });

    it('limits a caller passes with the file still win over the configured ones', async () => {
      const doc = await fewEntries.parse({
        bytes: pptx,
        fileName: 'deck.pptx',
        limits: { ...DEFAULT_LIMITS, maxZipEntries: 100 },
      });
      expect(doc.pages.length).toBeGreaterThan(0);
    });
  });

  describe('in parser processes (the default isolation)', () => {
    const isolated = parserFrom({ DOCSORT_PARSE_PROCESSES: '1', DOCSORT_MAX_ZIP_ENTRIES: '20' });
    afterAll(() => isolated.close?.());

    it('the limit crosses the process boundary', async () => {
      const failure = await expectFailure(parse(isolated, pptx, 'deck.pptx'), 'FILE_SIZE_TOO_LARGE');
      expect(failure.message).toMatch(/more than 20 entries/);
    }, 60_000);
  });
});
