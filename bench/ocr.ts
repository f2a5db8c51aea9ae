/**
 * OCR beside the native tesseract command, measured in the same run on the same files.
 *
 *   npx tsx bench/ocr.ts                 all 40 receipts
 *   npx tsx bench/ocr.ts --receipts 10   fewer receipts
 *   npx tsx bench/ocr.ts --rotate 180    every receipt turned clockwise (90, 180 or 270) before parsing:
 *                                        what orientation recovery (ocr/orientation.ts) gets back
 *
 * (a) OCR quality and latency on ../shared/data/receipts (SROIE 2019 scans with ground truth): each
 *     receipt parsed alone through Docsort's parser, once with tesseract.js and once with the native
 *     engine (when `tesseract` is on the PATH), and the `tesseract` command itself on the same JPEGs.
 *     CER is given two ways (test/fixtures/ocr-accuracy.ts explains them): line CER, which ignores
 *     reading order, and sequence CER, which counts it.
 * (b) OCR throughput with both cores busy: every receipt queued at once on two engines, pages/second,
 *     beside two `tesseract` processes at a time (OMP_THREAD_LIMIT=1: one core each, as STACK.md says).
 * With --rotate, the receipts are turned by sharp (and re-encoded as JPEG) before any timing starts, and
 * the Docsort rows count the pages whose reading was made turned (`ocrRotation`).
 * PDF text beside poppler's `pdftotext` is measured by bench/pdf-text.ts.
 *
 * Each Docsort measurement runs in a fresh process (this file with --job), so its peak memory (maxRSS,
 * worker threads included) is its own. Peak memory of a native process is its VmHWM, polled from /proc.
 * Prints figures only; never part of the test suite, never fails on the figures.
 */

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createDocumentParser } from '../src/adapters/parsers/index.js';
import { findNativeTesseract } from '../src/adapters/parsers/ocr/native-engine.js';
import type { DocumentParser } from '../src/ports/parser.js';
import {
  type ErrorCount,
  lineErrors,
  listReceipts,
  type Receipt,
  rate,
  sequenceErrors,
  sum,
} from '../test/fixtures/ocr-accuracy.js';
import { runMeasured } from './measure.js';

const LIMITS = { maxPages: 5000, timeoutMs: 600_000 };

interface Figures {
  /** Seconds per item, one at a time; or the whole run for throughput jobs. */
  seconds: number;
  items: number;
  line?: ErrorCount;
  sequence?: ErrorCount;
  peakMb: number;
  /** Pages read turned (orientation recovery), out of `items`. */
  turned?: number;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const receiptCount = Number(option('--receipts') ?? Number.POSITIVE_INFINITY);
const rotate = Number(option('--rotate') ?? 0);
if (![0, 90, 180, 270].includes(rotate)) throw new Error('--rotate takes 90, 180 or 270');

if (option('--job')) {
  const figures = await runJob(option('--job')!);
  process.stdout.write(JSON.stringify(figures));
} else {
  await main();
}

async function main(): Promise<void> {
  const native = findNativeTesseract();
  const receipts = await turned(listReceipts(receiptCount));
  const version = native ? execFileSync(native, ['--version'], { encoding: 'utf8' }).split('\n')[0] : null;
  console.log(
    `${receipts.length} receipts${rotate ? ` turned ${rotate}°` : ''}, ${availableParallelism()} cores, native: ${version ?? 'not installed'}\n`,
  );

  try {
    console.log(
      '(a) OCR one receipt at a time          line CER  seq. CER   s/receipt  peak MB  read turned',
    );
    report('Docsort, tesseract.js', await job('ocr-seq:tesseract.js', receipts));
    if (native) {
      report('Docsort, native engine', await job('ocr-seq:native', receipts));
      report('tesseract command (psm 3)', await nativeReceipts(native, receipts, 1));
    }

    console.log('\n(b) OCR, all receipts, two at a time     pages/s   peak MB  read turned');
    throughput('Docsort, tesseract.js x2', await job('ocr-par:tesseract.js', receipts));
    if (native) {
      throughput('Docsort, native engine x2', await job('ocr-par:native', receipts));
      throughput('tesseract command x2', await nativeReceipts(native, receipts, 2));
    }
  } finally {
    // The turned copies are this run's own.
    if (rotate) rmSync(path.dirname(receipts[0]!.imagePath), { recursive: true, force: true });
  }
}

/** The receipts as given, or turned by --rotate into a temporary folder (jobs find them by --images). */
async function turned(receipts: Receipt[]): Promise<Receipt[]> {
  const dir = option('--images');
  if (!rotate) return receipts;
  const folder = dir ?? mkdtempSync(path.join(tmpdir(), 'docsort-ocr-bench-'));
  const out: Receipt[] = [];
  for (const receipt of receipts) {
    const imagePath = path.join(folder, `${receipt.id}.jpg`);
    if (!dir)
      writeFileSync(
        imagePath,
        await sharp(receipt.imagePath).rotate(rotate).jpeg({ quality: 95 }).toBuffer(),
      );
    out.push({ ...receipt, imagePath });
  }
  return out;
}

function report(label: string, f: Figures): void {
  const cer = (count?: ErrorCount): string => (count ? `${(rate(count) * 100).toFixed(1)}%` : '-');
  console.log(
    `  ${label.padEnd(36)} ${cer(f.line).padStart(8)} ${cer(f.sequence).padStart(9)} ${(f.seconds / f.items).toFixed(2).padStart(11)} ${f.peakMb.toFixed(0).padStart(8)} ${turnedCount(f).padStart(12)}`,
  );
}

function throughput(label: string, f: Figures): void {
  console.log(
    `  ${label.padEnd(36)} ${(f.items / f.seconds).toFixed(1).padStart(9)} ${f.peakMb.toFixed(0).padStart(9)} ${turnedCount(f).padStart(12)}`,
  );
}

function turnedCount(f: Figures): string {
  return f.turned === undefined ? '-' : `${f.turned}/${f.items}`;
}

/** Runs one measurement in a fresh process: this file, with the same loader (tsx), and --job. */
function job(name: string, receipts: readonly Receipt[]): Promise<Figures> {
  const script = fileURLToPath(import.meta.url);
  const extra = Number.isFinite(receiptCount) ? ['--receipts', String(receiptCount)] : [];
  if (rotate) extra.push('--rotate', String(rotate), '--images', path.dirname(receipts[0]!.imagePath));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, '--job', name, ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as Figures);
      else reject(new Error(`job ${name} exited with code ${code}`));
    });
  });
}

async function runJob(name: string): Promise<Figures> {
  const [kind, engine] = name.split(':') as [string, 'tesseract.js' | 'native' | undefined];
  if (kind === 'ocr-seq' || kind === 'ocr-par') {
    const parallel = kind === 'ocr-par' ? 2 : 1;
    const parser = createDocumentParser({ ocrEngine: engine, ocrWorkers: parallel });
    const receipts = await turned(listReceipts(receiptCount));
    // Starting the engine (loading the model) is not part of reading a receipt.
    await parser.parse({ bytes: readFileSync(receipts[0]!.imagePath), fileName: 'warm.jpg', limits: LIMITS });
    const started = performance.now();
    const pages =
      parallel === 1
        ? await sequential(receipts, (r) => readReceipt(parser, r))
        : await Promise.all(receipts.map((r) => readReceipt(parser, r)));
    const seconds = (performance.now() - started) / 1000;
    await parser.close?.();
    const texts = pages.map((page) => page.text);
    const turnedPages = pages.filter((page) => page.ocrRotation !== undefined).length;
    return {
      seconds,
      items: receipts.length,
      ...accuracy(receipts, texts),
      peakMb: peakMb(),
      turned: turnedPages,
    };
  }
  throw new Error(`unknown job ${name}`);
}

async function readReceipt(
  parser: DocumentParser,
  receipt: Receipt,
): Promise<{ text: string; ocrRotation?: number }> {
  const doc = await parser.parse({
    bytes: readFileSync(receipt.imagePath),
    fileName: `${receipt.id}.jpg`,
    limits: LIMITS,
  });
  const [page] = doc.pages;
  return {
    text: doc.pages.map((p) => p.text).join('\n'),
    ...(page?.ocrRotation ? { ocrRotation: page.ocrRotation } : {}),
  };
}

function accuracy(
  receipts: readonly Receipt[],
  texts: readonly string[],
): Pick<Figures, 'line' | 'sequence'> {
  return {
    line: sum(receipts.map((r, i) => lineErrors(texts[i] ?? '', r.truthLines))),
    sequence: sum(receipts.map((r, i) => sequenceErrors(texts[i] ?? '', r.truthLines))),
  };
}

async function sequential<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await work(item));
  return out;
}

/** maxRSS covers the whole process, worker threads included. */
function peakMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The tesseract command on every receipt, `parallel` processes at a time. */
async function nativeReceipts(
  binary: string,
  receipts: readonly Receipt[],
  parallel: number,
): Promise<Figures> {
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  const texts: string[] = new Array(receipts.length);
  let peak = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < receipts.length) {
        const i = next++;
        const run = await runMeasured(binary, [receipts[i]!.imagePath, '-', '--psm', '3'], env);
        texts[i] = run.stdout;
        peak = Math.max(peak, run.peakMb);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // Processes at once share the machine: their peaks add up.
  return { seconds, items: receipts.length, ...accuracy(receipts, texts), peakMb: peak * parallel };
}
