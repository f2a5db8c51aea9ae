/**
 * Parser processes never need the network: every model and font they use is on disk. This preload, given to
 * each process and (through --require, which worker threads honour too) to its OCR worker threads, makes
 * any attempt fail at once, so a library that tries to download something is caught as a failure instead of
 * hanging on a blocked connection or, as tesseract.js does, crashing when offline.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const OFFLINE_GUARD_SOURCE = `'use strict';
const net = require('node:net');
const refuse = (what) => {
  throw new Error('network access is disabled in parser processes (' + what + ')');
};
globalThis.fetch = async () => refuse('fetch');
net.Socket.prototype.connect = function connect() {
  refuse('socket connect');
};
`;

export interface GuardFile {
  path: string;
  remove(): void;
}

/** Written into a fresh private directory (mkdtemp), never a shared, guessable path someone could plant. */
export function writeOfflineGuard(): GuardFile {
  const dir = mkdtempSync(path.join(tmpdir(), 'docsort-parser-'));
  const file = path.join(dir, 'offline-guard.cjs');
  writeFileSync(file, OFFLINE_GUARD_SOURCE, { mode: 0o600 });
  const remove = (): void => {
    process.off('exit', remove);
    rmSync(dir, { recursive: true, force: true });
  };
  // A parser that is never closed (a script, a test) still leaves nothing behind.
  process.once('exit', remove);
  return { path: file, remove };
}
