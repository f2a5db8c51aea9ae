/**
 * Loads pdf.js (legacy build, the one meant for Node) once, on first use: 2 MB of it has no business in
 * processes that never see a PDF. Its worker half is loaded here too, up front, rather than by pdf.js's
 * "fake worker" on the first getDocument, so that the builtins both halves patch can be put back at once,
 * and so that the worker's text extraction can be patched where it is needlessly slow (WORKER_PATCHES).
 */

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

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

/** A textual edit of pdf.worker.mjs; every occurrence of `find` is replaced. */
export interface SourcePatch {
  why: string;
  find: string;
  replace: string;
  /** How many times `find` must occur: exactly once by default; -1 for at least once. */
  count?: number;
}

/**
 * Edits that make pdf.js's text extraction faster without changing a single output character (checked on
 * every PDF of the parse corpus, and by test/parsers/pdf.test.ts on eight of them). Together they take
 * 1.8-2x less CPU time on parse-corpus/pdf/DA-619p.pdf with pdf.js 5.6.205 (about 1.25x, 1.35x and 1.1x in
 * turn). Each must match the worker source exactly: after a pdf.js upgrade that moves them, loading fails
 * (and every PDF test with it) until they are re-measured and updated or dropped here; they never silently
 * stop applying. Each replacement keeps the lines it replaces, so stack traces still point into the file.
 */
export const WORKER_PATCHES: readonly SourcePatch[] = [
  {
    // TextState.clone (every font change and every `q` in a content stream) made the old state the new
    // one's prototype. V8 then turns each cloned state into a prototype object with a map of its own, and
    // the per-glyph code reading textState fields goes polymorphic. Every field is an own, enumerable class
    // field, so the copy is the same object either way; only the prototype chain was deeper.
    why: 'TextState.clone without a prototype chain of earlier states',
    find: 'const clone = Object.assign(Object.create(this), this);',
    replace: 'const clone = Object.assign(Object.create(Object.getPrototypeOf(this)), this);',
  },
  {
    // Called twice per glyph: two Util.transform calls (a generic helper that pdf.js calls with Float32Array
    // and Array matrices alike, which V8 does not keep fast here) and an intermediate array. The same
    // products and sums, in the same order, on locals: bit-identical results.
    why: 'getCurrentTextTransform multiplies the matrices inline',
    find: '      return Util.transform(textState.ctm, Util.transform(textState.textMatrix, tsm));\n',
    // One line, as the line it replaces.
    replace:
      '      const m = textState.textMatrix, c = textState.ctm;' +
      ' const a = m[0] * tsm[0] + m[2] * tsm[1], b = m[1] * tsm[0] + m[3] * tsm[1], d = m[0] * tsm[2] + m[2] * tsm[3], e = m[1] * tsm[2] + m[3] * tsm[3], f = m[0] * tsm[4] + m[2] * tsm[5] + m[4], g = m[1] * tsm[4] + m[3] * tsm[5] + m[5];' +
      ' return [c[0] * a + c[2] * b, c[1] * a + c[3] * b, c[0] * d + c[2] * e, c[1] * d + c[3] * e, c[0] * f + c[2] * g + c[4], c[1] * f + c[3] * g + c[5]];\n',
  },
  {
    // Flate streams (content streams, fonts, CMaps) went through a web DecompressionStream each: stream
    // plumbing and a thread-pool round trip per stream cost more than pdf.js's own inflate, which is also
    // what it falls back to whenever zlib rejects a stream. Images still try DecompressionStream first.
    why: 'Flate streams decoded in place rather than through DecompressionStream',
    find: 'class FlateStream extends DecodeStream {\n  #isAsync = true;',
    replace: 'class FlateStream extends DecodeStream {\n  #isAsync = false;',
  },
];

let pdfjs: Promise<PdfJs> | undefined;

export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const library = await withoutSourceMaps(() => import('pdfjs-dist/legacy/build/pdf.mjs'));
    // Node has no Worker here: pdf.js runs its worker code in this thread, and takes it from
    // globalThis.pdfjsWorker, which the worker script sets.
    const workerFile = packageFile('legacy/build/pdf.worker.mjs');
    await runPatchedWorker(workerFile, library.version);
    // Pinned as well, so that a bundler or another cwd cannot send pdf.js looking for it elsewhere.
    library.GlobalWorkerOptions.workerSrc = pathToFileURL(workerFile).href;
    restoreBuiltins();
    return library;
  })();
  return pdfjs;
}

/**
 * Runs pdf.worker.mjs, edited, as a script in this context. It is a self-contained ES module whose only
 * module syntax is its export and import.meta.url (which it reads to locate files): both are rewritten, and
 * its own file name is kept so that stack traces point at its real lines.
 */
async function runPatchedWorker(file: string, version: string): Promise<void> {
  let source = await readFile(file, 'utf8');
  const fileUrl = pathToFileURL(file).href;
  const moduleSyntax: SourcePatch[] = [
    { why: 'its export', find: '\nexport { WorkerMessageHandler };', replace: '\n' },
    { why: 'import.meta.url', find: 'import.meta.url', replace: JSON.stringify(fileUrl), count: -1 },
  ];
  for (const patch of [...WORKER_PATCHES, ...moduleSyntax]) source = applyPatch(source, patch, version);
  const script = new vm.Script(`(function () {'use strict';${source}\n})`, {
    filename: file,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  (script.runInThisContext() as () => void)();
  const { pdfjsWorker } = globalThis as { pdfjsWorker?: { WorkerMessageHandler?: unknown } };
  if (!pdfjsWorker?.WorkerMessageHandler) throw new Error('pdf.js worker script did not set pdfjsWorker');
}

export function applyPatch(source: string, patch: SourcePatch, version: string): string {
  const parts = source.split(patch.find);
  const found = parts.length - 1;
  const expected = patch.count ?? 1;
  if (expected === -1 ? found === 0 : found !== expected) {
    throw new Error(
      `pdf.js ${version}: the worker edit "${patch.why}" found ${found} matches instead of ${expected === -1 ? 'some' : expected}; ` +
        're-measure it against this pdf.js and update or drop it in src/adapters/parsers/pdfjs.ts',
    );
  }
  return parts.join(patch.replace);
}

/**
 * pdf.js ships 8 MB of source maps. With source maps on (tsx in development, or --enable-source-maps) Node
 * parses them on import: some 300 MB more resident memory per parser process, for stack traces through
 * pdf.js's readable, unminified build that do not need them.
 */
async function withoutSourceMaps<T>(load: () => Promise<T>): Promise<T> {
  const enabled = process.sourceMapsEnabled;
  if (enabled) process.setSourceMapsEnabled(false);
  try {
    return await load();
  } finally {
    if (enabled) process.setSourceMapsEnabled(true);
  }
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
