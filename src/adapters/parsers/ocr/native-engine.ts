/**
 * The native `tesseract` command (Debian's tesseract-ocr), one process per page, at most `workers` at once.
 * OMP_THREAD_LIMIT=1 keeps each process on one core: left to OpenMP, two processes fight over the cores and
 * run five times slower (STACK.md). The page goes in on stdin as PGM and comes back as TSV, from which the
 * text is laid out as tesseract.js lays it out (lines, blank line between paragraphs) with word confidences.
 */

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { OcrEngine, OcrResult } from './engine.js';
import { type GrayImage, toPgm } from './gray-image.js';
import { InstancePool } from './instance-pool.js';
import { LANGUAGE } from './lang-data.js';

/** Keeps the tail of stderr for error messages without buffering a chatty process's whole output. */
const STDERR_TAIL = 2000;

/** The first executable `tesseract` on PATH, or null. */
export function findNativeTesseract(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'tesseract');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export function createNativeEngine(binary: string, workers: number, pageSegmentationMode: number): OcrEngine {
  // Processes are not reused, so the pool only hands out permits to run one.
  const permits = new InstancePool<object>({
    size: workers,
    create: async () => ({}),
    destroy: async () => {},
    idleMs: 60_000,
  });
  return {
    name: 'native',
    recognize: (image, signal) =>
      permits.use(signal, () => runTesseract(binary, image, pageSegmentationMode, signal)),
    close: () => permits.close(),
  };
}

function runTesseract(
  binary: string,
  image: GrayImage,
  pageSegmentationMode: number,
  signal: AbortSignal,
): Promise<OcrResult> {
  return new Promise((resolve, reject) => {
    const args = ['stdin', 'stdout', '-l', LANGUAGE, '--psm', String(pageSegmentationMode)];
    const child = spawn(binary, [...args, '-c', 'debug_file=/dev/null', 'tsv'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGKILL',
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    // EPIPE when the process dies before reading its input: the exit code tells the story.
    child.stdin.on('error', () => {});
    child.stdin.end(toPgm(image));
    child.once('error', (error) => reject(signal.aborted ? signal.reason : error));
    child.once('close', (code, killedBy) => {
      if (signal.aborted) reject(signal.reason);
      else if (code !== 0) {
        const detail = stderr.trim().split('\n').pop() ?? '';
        reject(
          new Error(`tesseract exited with ${killedBy ?? `code ${code}`}${detail ? `: ${detail}` : ''}`),
        );
      } else resolve(readTsv(Buffer.concat(stdout).toString('utf8')));
    });
  });
}

/**
 * Tesseract's TSV has one row per layout element; level 5 rows are words with their block, paragraph and
 * line numbers and a confidence. Lines end with a line break and paragraphs with a blank line, as in
 * Tesseract's own text output.
 */
export function readTsv(tsv: string): OcrResult {
  let text = '';
  let lastLine = '';
  let lastParagraph = '';
  let confidenceSum = 0;
  let words = 0;
  for (const row of tsv.split('\n').slice(1)) {
    const cells = row.split('\t');
    if (cells[0] !== '5' || cells.length < 12) continue;
    const word = cells.slice(11).join('\t').trim();
    if (word === '') continue;
    const paragraph = `${cells[2]}.${cells[3]}`;
    const line = `${paragraph}.${cells[4]}`;
    if (text !== '') {
      if (paragraph !== lastParagraph) text += '\n\n';
      else if (line !== lastLine) text += '\n';
      else text += ' ';
    }
    text += word;
    lastLine = line;
    lastParagraph = paragraph;
    confidenceSum += Number(cells[10]) || 0;
    words++;
  }
  return { text: text === '' ? '' : `${text}\n`, confidence: words === 0 ? 0 : confidenceSum / words };
}
