/**
 * The body of a parser process: answers parse requests from the parent with a DocumentParser of its own,
 * one file at a time, and exits when the parent goes away (no orphan keeps running OCR).
 */

import type { DocumentParser } from '../../../ports/parser.js';
import { asParseFailure } from '../failures.js';
import type { FromChild, ToChild } from './messages.js';

export function serveParser(parser: DocumentParser): void {
  const send = (message: FromChild): void => {
    process.send?.(message);
  };
  process.on('message', (message: ToChild) => {
    if (message.type !== 'parse') return;
    const { id, input } = message;
    parser.parse(input).then(
      (document) => send({ type: 'parsed', id, document }),
      (error: unknown) => {
        const failure = asParseFailure(error);
        send({ type: 'failed', id, reason: failure.reason, message: failure.message });
      },
    );
  });
  process.once('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

/** The options a parser process was started with, passed as JSON in its first argument. */
export function startupOptions<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}
