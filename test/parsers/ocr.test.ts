import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentParser } from '../../src/adapters/parsers/index.js';
import { writeOfflineGuard } from '../../src/adapters/parsers/isolation/offline-guard.js';
import { isBlank } from '../../src/adapters/parsers/ocr/gray-image.js';
import { readTsv } from '../../src/adapters/parsers/ocr/native-engine.js';
import { tesseractJsWorkerOptions } from '../../src/adapters/parsers/ocr/tesseract-js-engine.js';
import { judgeTextLayer } from '../../src/adapters/parsers/pdf-ocr.js';
import type { ParseLimits } from '../../src/ports/parser.js';
import { makePdf } from '../fixtures/make-pdf.js';
import { grayPixels, pdfWithScans, scannedPage, textImage } from '../fixtures/ocr-images.js';
import { expectFailure } from '../fixtures/parse.js';

// One tesseract.js worker for the file: tests do not depend on the native tesseract being installed.
const parser = createDocumentParser({ ocrEngine: 'tesseract.js', ocrWorkers: 1 });
afterAll(() => parser.close?.());

const parse = (bytes: Uint8Array, fileName: string, limits: Partial<ParseLimits> = {}) =>
  parser.parse({ bytes, fileName, limits: { maxPages: 20, timeoutMs: 60_000, ...limits } });

describe('OCR', () => {
  it('reads the words of a generated PNG back, with the page confidence', async () => {
    const png = await textImage(['Invoice number 4711', 'Total due 129.50 EUR']);
    const doc = await parse(png, 'invoice.png');
    expect(doc).toMatchObject({ fileType: 'IMG', mimeType: 'image/png' });
    expect(doc.pages).toHaveLength(1);
    const [page] = doc.pages;
    expect(page?.text).toContain('Invoice number 4711');
    expect(page?.text).toContain('Total due 129.50 EUR');
    expect(page?.ocrConfidence).toBeGreaterThan(0.8);
    expect(page?.ocrConfidence).toBeLessThanOrEqual(1);
  });

  it('loads English from the local data package: a path, not a URL, and no cache written', () => {
    const options = tesseractJsWorkerOptions();
    const packageDir = path.dirname(
      createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json'),
    );
    expect(options.langPath).toBe(path.join(packageDir, '4.0.0_best_int'));
    expect(path.isAbsolute(options.langPath ?? '')).toBe(true);
    expect(existsSync(path.join(options.langPath ?? '', 'eng.traineddata.gz'))).toBe(true);
    expect(options.cacheMethod).toBe('none');
    expect(options.gzip).toBe(true);
    // Without an errorHandler a failed job throws outside any promise and kills the process.
    expect(options.errorHandler).toBeTypeOf('function');
  });

  it('reads text with every network API failing, in the process and in its worker threads', async () => {
    const guard = writeOfflineGuard();
    const image = path.join(tmpdir(), `docsort-offline-${process.pid}.png`);
    writeFileSync(image, await textImage(['Offline reading works']));
    try {
      const tsx = createRequire(import.meta.url).resolve('tsx');
      const script = new URL('../fixtures/ocr-offline-run.ts', import.meta.url).pathname;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--require', guard.path, '--import', tsx, script, image],
        { timeout: 50_000 },
      );
      const result = JSON.parse(stdout) as { text: string; fetchInWorker: string };
      expect(result.text).toContain('Offline reading works');
      expect(result.fetchInWorker).toMatch(/network access is disabled/);
    } finally {
      guard.remove();
    }
  }, 60_000);

  it('OCRs the image-only pages of a PDF and keeps the text layer of the others', async () => {
    const scan = await scannedPage(['Scanned purchase order 8812', 'Deliver to Rotterdam']);
    const pdf = pdfWithScans([{ text: 'Cover letter for the purchase order' }, { scan }, { text: '' }]);
    const doc = await parse(pdf, 'mixed-scan.pdf');
    expect(doc.pages.map((page) => page.pageNumber)).toEqual([1, 2, 3]);
    expect(doc.pages[0]).toEqual({
      pageNumber: 1,
      text: 'Cover letter for the purchase order',
      markdown: 'Cover letter for the purchase order',
    });
    expect(doc.pages[1]?.text).toContain('Scanned purchase order 8812');
    expect(doc.pages[1]?.text).toContain('Deliver to Rotterdam');
    expect(doc.pages[1]?.ocrConfidence).toBeGreaterThan(0.8);
    // A blank page is rendered, found blank, and not sent to the engine.
    expect(doc.pages[2]).toEqual({ pageNumber: 3, text: '', markdown: '' });
  });

  it('fails with OCR_ERROR when even OCR finds no text in a PDF', async () => {
    const failure = await expectFailure(parse(makePdf(['', '']), 'blank.pdf'), 'OCR_ERROR');
    expect(failure.message).toMatch(/No text could be read from the PDF/);
  });

  it('judges text layers: usable, short, junk from fonts without a Unicode map, empty', () => {
    expect(judgeTextLayer('Invoice 42, total due 100 EUR by 1 March')).toBe('usable');
    expect(judgeTextLayer('Page 3')).toBe('short');
    // Dot leaders are punctuation, not junk.
    expect(judgeTextLayer('Table of Contents\nMAIN GAME..............6\nCREATURES.............6')).toBe(
      'usable',
    );
    expect(judgeTextLayer('\uFFFD\uFFFD\uFFFD \uFFFD\uFFFD abc \uFFFD\uFFFD\uFFFD\uFFFD')).toBe('junk');
    expect(judgeTextLayer('\uE001\uE002\uE003\uE004 \uE005\uE006')).toBe('junk');
    expect(judgeTextLayer('¤¤ ©© §§ ¶¶ ++ == -- ** abc')).toBe('junk');
    expect(judgeTextLayer(' \n ')).toBe('empty');
  });

  it('tells blank pages from faint ones by contrast with the paper, not by absolute darkness', async () => {
    const faint = await grayPixels(
      await sharp(await textImage(['Faded thermal print']))
        .linear(0.3, 178)
        .toBuffer(),
    );
    expect(Math.min(...faint.pixels)).toBeGreaterThan(150);
    expect(isBlank(faint)).toBe(false);
    const speckled = new Uint8Array(1_000_000).fill(235);
    for (let i = 0; i < 100; i++) speckled[i * 9973] = 20;
    expect(isBlank({ width: 1000, height: 1000, pixels: speckled })).toBe(true);
  });

  it('fails the page with OCR_ERROR when its time runs out, then reads normally again', async () => {
    const png = await textImage(['Slow page']);
    const failure = await expectFailure(parse(png, 'slow.png', { pageTimeoutMs: 1 }), 'OCR_ERROR');
    expect(failure.message).toBe('OCR of page 1 timed out after 1 ms.');
    // The stuck worker was terminated; a fresh one reads the next page.
    expect((await parse(png, 'again.png')).pages[0]?.text).toContain('Slow page');
  });

  it('lays out native tesseract TSV as tesseract.js lays out text, with the mean word confidence', () => {
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '1\t1\t0\t0\t0\t0\t0\t0\t600\t120\t-1\t',
      '4\t1\t1\t1\t1\t0\t23\t43\t361\t28\t-1\t',
      '5\t1\t1\t1\t1\t1\t23\t43\t124\t28\t96\tInvoice',
      '5\t1\t1\t1\t1\t2\t161\t43\t78\t28\t90\ttotal',
      '5\t1\t1\t1\t2\t1\t23\t80\t40\t27\t84\t42',
      '5\t1\t2\t1\t1\t1\t23\t200\t40\t27\t70\tEUR',
      '',
    ].join('\n');
    expect(readTsv(tsv)).toEqual({ text: 'Invoice total\n42\n\nEUR\n', confidence: 85 });
    expect(readTsv(tsv.split('\n').slice(0, 2).join('\n'))).toEqual({ text: '', confidence: 0 });
  });
});
