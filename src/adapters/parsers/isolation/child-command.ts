/**
 * How to start a parser process from wherever this code runs: compiled (dist/*.js) the entry is plain
 * JavaScript; from sources (tsx in development, vitest in tests) the entry is TypeScript and the process
 * needs tsx's loader, which is a development dependency and only then required.
 */

import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ChildCommand {
  /** The script the process runs. */
  modulePath: string;
  /** Node options for it (besides memory and the offline guard). */
  execArgv: string[];
}

export function childCommand(entry: URL): ChildCommand {
  const modulePath = fileURLToPath(entry);
  if (!/\.[cm]?ts$/.test(modulePath)) return { modulePath, execArgv: [] };
  const loader = createRequire(import.meta.url).resolve('tsx');
  return { modulePath, execArgv: ['--import', pathToFileURL(loader).href] };
}

/** The real entry, beside this file with this file's own extension (.ts from sources, .js compiled). */
export function defaultEntry(here: string = import.meta.url): URL {
  const extension = /\.([cm]?[jt]s)$/.exec(new URL(here).pathname)?.[1] ?? 'js';
  return new URL(`./parser-child.${extension}`, here);
}
