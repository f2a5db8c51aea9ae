/**
 * A DocumentParser that reads every file in a separate process, so a parser that crashes (a native library
 * included: libvips, the canvas, a WebAssembly abort), hangs or eats memory fails that one file and never
 * the server. Processes rather than worker threads, because a thread shares the process with the server:
 * a segfault in native code takes both down, and memory outside the V8 heap (images, canvases, the OCR
 * engine's) cannot be measured per thread. Each process has a heap limit and a resident-memory watchdog,
 * so the server's memory stays within processes x memoryMb while it parses.
 *
 * Processes start on demand up to `processes`, are reused, and are replaced after a crash, a kill, or when
 * they come back from a file holding more than half their memory allowance.
 *
 * A PDF that arrives while other processes are free (or not started yet) is split across them by pages
 * (page-shard.ts): a 600-page report on an idle server is read by every core, not one. Files that arrive
 * later wait for a process as usual; nothing is split while files are queued.
 */

import { availableParallelism } from 'node:os';
import {
  type DocumentParser,
  type ParsedDocument,
  ParseFailure,
  type ParseInput,
} from '../../../ports/parser.js';
import { sniffFile } from '../detect.js';
import { findNativeTesseract } from '../ocr/native-engine.js';
import { mergeShards } from '../page-shard.js';
import type { DocumentParserOptions } from '../parser-options.js';
import { childCommand, defaultEntry } from './child-command.js';
import { type GuardFile, writeOfflineGuard } from './offline-guard.js';
import { ParserProcessHandle } from './parser-process-handle.js';

export interface IsolatedParserOptions extends DocumentParserOptions {
  /** Parser processes at once (files parsed in parallel); default: the number of cores. */
  processes?: number;
  /** Memory per process, MB: its resident set (Linux), of which three quarters for the V8 heap. Default 1536. */
  memoryMb?: number;
  /** How long past a file's deadline the parent waits for the process's own timeout before killing it. */
  killGraceMs?: number;
  /** The script each process runs: the real parser by default; tests give one that misbehaves. */
  entry?: URL;
  /** Split a PDF of at least this many bytes across free processes by pages; 0 never splits. Default 64 KB. */
  splitPdfMinBytes?: number;
}

export const DEFAULT_PARSER_MEMORY_MB = 1536;
const DEFAULT_KILL_GRACE_MS = 2000;
/** Below this a PDF has few pages (or one scan): opening it in a second process would cost more than it saves. */
const DEFAULT_SPLIT_PDF_MIN_BYTES = 64 * 1024;

interface Waiter {
  resolve: (handle: ParserProcessHandle) => void;
  reject: (error: unknown) => void;
}

export function createIsolatedParser(options: IsolatedParserOptions = {}): DocumentParser {
  const {
    entry,
    killGraceMs,
    processes: wanted,
    memoryMb: memory,
    splitPdfMinBytes,
    ...parserOptions
  } = options;
  const splitMinBytes = splitPdfMinBytes ?? DEFAULT_SPLIT_PDF_MIN_BYTES;
  const processes = Math.max(1, wanted ?? availableParallelism());
  const memoryMb = memory ?? DEFAULT_PARSER_MEMORY_MB;
  if (parserOptions.ocrEngine === 'native' && !findNativeTesseract()) {
    // Fail at start-up, not on every scanned file.
    throw new Error('DOCSORT_OCR_ENGINE is "native" but no tesseract command is on PATH');
  }
  // The OCR engines are shared out: each process runs its share, so all together match the cores.
  const ocrWorkers = Math.max(
    1,
    Math.floor((parserOptions.ocrWorkers ?? availableParallelism()) / processes),
  );
  const command = childCommand(entry ?? defaultEntry());
  const processOptions = JSON.stringify({ ...parserOptions, ocrWorkers });

  let guard: GuardFile | null = null;
  const idle: ParserProcessHandle[] = [];
  const waiters: Waiter[] = [];
  let running = 0;
  let closed = false;

  const start = (): ParserProcessHandle => {
    guard ??= writeOfflineGuard();
    return new ParserProcessHandle({
      command,
      options: processOptions,
      memoryMb,
      guardPath: guard.path,
      killGraceMs: killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    });
  };

  /** An idle process, or a new one while the pool is below its size; null when all are busy. */
  const takeFree = (): ParserProcessHandle | null => {
    while (idle.length > 0) {
      const handle = idle.pop()!;
      if (handle.alive) return handle;
      running--;
    }
    if (running < processes) {
      running++;
      return start();
    }
    return null;
  };

  const acquire = (): Promise<ParserProcessHandle> => {
    if (closed) return Promise.reject(new ParseFailure('INTERNAL_ERROR', 'The parser is shut down.'));
    const free = takeFree();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };

  /** The other processes that are free right now, for the shards of a PDF; never waits for one. */
  const helpersFor = (input: ParseInput): ParserProcessHandle[] => {
    if (splitMinBytes <= 0 || input.bytes.length < splitMinBytes) return [];
    const sniffed = sniffFile(input.bytes, input.fileName, input.mimeType);
    if (!sniffed.supported || sniffed.format !== 'pdf') return [];
    const helpers: ParserProcessHandle[] = [];
    while (helpers.length < processes - 1) {
      const free = takeFree();
      if (!free) break;
      helpers.push(free);
    }
    return helpers;
  };

  const release = async (handle: ParserProcessHandle): Promise<void> => {
    const resident = await handle.residentMb();
    // A process that grew (fragmented heap, caches) is retired before the next file, not killed during it.
    if (closed || !handle.alive || (resident !== null && resident > memoryMb / 2)) {
      handle.kill();
      const next = waiters.shift();
      if (next && !closed) next.resolve(start());
      else running--;
      return;
    }
    const next = waiters.shift();
    if (next) next.resolve(handle);
    else idle.push(handle);
  };

  return {
    detect(bytes, fileName, mimeType) {
      const sniffed = sniffFile(bytes, fileName, mimeType);
      return sniffed.supported ? sniffed.type : null;
    },
    async parse(input: ParseInput): Promise<ParsedDocument> {
      const handle = await acquire();
      const handles = [handle, ...helpersFor(input)];
      try {
        if (handles.length === 1) return await handle.parse(input);
        // Every shard runs to its end (or its own deadline), so no process is released still working.
        const count = handles.length;
        return mergeShards(
          await Promise.allSettled(handles.map((each, index) => each.parse(input, { index, count }))),
        );
      } finally {
        await Promise.all(handles.map(release));
      }
    },
    async close() {
      closed = true;
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new ParseFailure('INTERNAL_ERROR', 'The parser is shut down.'));
      }
      const handles = idle.splice(0);
      for (const handle of handles) handle.kill();
      await Promise.all(handles.map((handle) => handle.exitedPromise()));
      guard?.remove();
      guard = null;
    },
  };
}
