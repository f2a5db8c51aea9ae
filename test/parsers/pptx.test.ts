import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '../fixtures/corpus.js';
import { makePptx, shape, slideTable } from '../fixtures/make-office.js';
import { expectFailure, parse, parser, texts } from '../fixtures/parse.js';

describe('PPTX', () => {
  it('gives one page per slide: title as heading, text runs in order, tables, then speaker notes', async () => {
    const pptx = await makePptx([
      {
        shapes: [
          shape(['Quarterly review'], 'title'),
          shape(['Revenue up 12%', 'Costs flat']),
          shape(['7'], 'sldNum'),
          slideTable([
            ['Region', 'Sales'],
            ['North', '10'],
          ]),
        ],
        notes: ['Mention the new office'],
      },
    ]);
    const doc = await parse(pptx, 'review.pptx');
    expect(doc.fileType).toBe('PPTX');
    expect(doc.mimeType).toBe('application/vnd.openxmlformats-officedocument.presentationml.presentation');
    expect(doc.pages).toEqual([
      {
        pageNumber: 1,
        text: 'Quarterly review\n\nRevenue up 12%\nCosts flat\n\nRegion | Sales\nNorth | 10\n\nNotes:\n\nMention the new office',
        markdown:
          '# Quarterly review\n\nRevenue up 12%\nCosts flat\n\n| Region | Sales |\n| --- | --- |\n| North | 10 |\n\n' +
          '**Notes:**\n\nMention the new office',
      },
    ]);
  });

  it('orders slides as the presentation lists them, not by file name', async () => {
    const pptx = await makePptx(
      [
        { shapes: [shape(['stored first, shown last'])] },
        { shapes: [shape(['stored second, shown first'])] },
      ],
      [1, 0],
    );
    expect(texts(await parse(pptx, 'order.pptx'))).toEqual([
      'stored second, shown first',
      'stored first, shown last',
    ]);
  });

  it('falls back to slide file numbers (10 after 9) when presentation.xml is missing', async () => {
    const slides = Array.from({ length: 10 }, (_, i) => ({ shapes: [shape([`slide ${i + 1}`])] }));
    const zip = await JSZip.loadAsync(await makePptx(slides));
    zip.remove('ppt/presentation.xml');
    const pptx = await zip.generateAsync({ type: 'uint8array' });
    expect(texts(await parse(pptx, 'deck.pptx'))).toEqual(slides.map((_, i) => `slide ${i + 1}`));
  });

  it('keeps a slide without text as an empty page, so page numbers stay slide numbers', async () => {
    const pptx = await makePptx([
      { shapes: [shape(['Intro'])] },
      { shapes: [] },
      { shapes: [shape(['End'])] },
    ]);
    expect(texts(await parse(pptx, 'pictures.pptx'))).toEqual(['Intro', '', 'End']);
  });

  it('refuses more slides than maxPages with FILE_SIZE_TOO_LARGE', async () => {
    const pptx = await makePptx(Array.from({ length: 4 }, () => ({ shapes: [shape(['x'])] })));
    const failure = await expectFailure(
      parse(pptx, 'big.pptx', { limits: { maxPages: 3, timeoutMs: 30_000 } }),
      'FILE_SIZE_TOO_LARGE',
    );
    expect(failure.message).toBe('The file has 4 slides; the limit is 3.');
  });

  it('fails with CORRUPT_FILE when no slide has text (pictures only)', async () => {
    await expectFailure(parse(corpusFile('picture.pptx'), 'picture.pptx'), 'CORRUPT_FILE');
  });

  it('recognises a PPTX by content (the corpus has one called .ppt)', async () => {
    const bytes = corpusFile('language-docs/eng_spa_mult.ppt');
    expect(parser.detect(bytes, 'eng_spa_mult.ppt')?.fileType).toBe('PPTX');
    const doc = await parse(bytes, 'eng_spa_mult.ppt');
    expect(doc.pages.length).toBeGreaterThan(1);
  });

  it('reads nested groups and tables from the corpus', async () => {
    const groups = await parse(corpusFile('group-shapes-nested.pptx'), 'group-shapes-nested.pptx');
    expect(groups.pages[0]?.text.split('\n\n').sort()).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
      'F',
      'G',
      'H',
      'I',
      'J',
    ]);
    const tables = await parse(corpusFile('fake-power-point-table.pptx'), 'fake-power-point-table.pptx');
    expect(tables.pages[0]?.markdown).toContain('| Red | Green | Blue |');
  });
});
