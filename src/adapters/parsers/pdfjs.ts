/**
 * Loads pdf.js (legacy build, the one meant for Node) once, on first use: 2 MB of it has no business in
 * processes that never see a PDF. Its worker half is loaded here too, up front, rather than by pdf.js's
 * "fake worker" on the first getDocument, so that the builtins both halves patch can be put back at once.
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

/**
 * The legacy build bundles core-js, which on Node 20 (V8 11) replaces these with JavaScript versions for
 * edge cases pdf.js never meets: a push that reads the length descriptor on every call (a quarter of the
 * text extraction time on a 600-page PDF), and a JSON.stringify that walks every key through a replacer.
 * They are process-wide, so the server's own JSON (with DOCSORT_PARSE_ISOLATION=none) would slow down too.
 * Captured when this module loads, which is before pdf.js is imported.
 */
const PATCHED_BUILTINS: [object, PropertyKey][] = [
  [Array.prototype, 'push'],
  [JSON, 'stringify'],
  [JSON, 'parse'],
];
const NATIVE = PATCHED_BUILTINS.map(([target, key]) => Object.getOwnPropertyDescriptor(target, key));

let pdfjs: Promise<PdfJs> | undefined;

export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const library = await import('pdfjs-dist/legacy/build/pdf.mjs');
    // Node has no Worker here: pdf.js runs its worker code in this thread, and takes it from
    // globalThis.pdfjsWorker, which this import sets (the module has no types; only its side effect counts).
    const workerUrl = pathToFileURL(packageFile('legacy/build/pdf.worker.mjs')).href;
    const worker: unknown = await import(workerUrl);
    if (!worker) throw new Error('pdf.js worker module did not load');
    // Pinned as well, so that a bundler or another cwd cannot send pdf.js looking for it elsewhere.
    library.GlobalWorkerOptions.workerSrc = workerUrl;
    restoreBuiltins();
    return library;
  })();
  return pdfjs;
}

function restoreBuiltins(): void {
  PATCHED_BUILTINS.forEach(([target, key], i) => {
    const native = NATIVE[i];
    if (native && Object.getOwnPropertyDescriptor(target, key)?.value !== native.value) {
      Object.defineProperty(target, key, native);
    }
  });
}

function packageFile(relative: string): string {
  const packageJson = createRequire(import.meta.url).resolve('pdfjs-dist/package.json');
  return path.join(path.dirname(packageJson), relative);
}

/** pdf.js wants directories as strings ending in "/" (it reads them with fs in Node). */
export const packageDir = (relative: string): string => packageFile(relative).split(path.sep).join('/') + '/';
