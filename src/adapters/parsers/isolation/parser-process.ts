/**
 * The body of a parser process: answers parse requests from the parent with a DocumentParser of its own,
 * one file at a time, and exits when the parent goes away (no orphan keeps running OCR).
 */

import { type DocumentParser, ParseFailure } from '../../../ports/parser.js';
import { asParseFailure } from '../failures.js';
import type { ShardReader } from '../page-shard.js';
import type { FromChild, ToChild } from './messages.js';

/** A parser without parseShard (a test's stand-in) fails shard requests; the real one serves them. */
export function serveParser(parser: DocumentParser & Partial<ShardReader>): void {
  const send = (message: FromChild): void => {
    process.send?.(message);
  };
  process.on('message', (message: ToChild) => {
    if (message.type !== 'parse') return;
    const { id, input, shard } = message;
    const parsing = !shard
      ? parser.parse(input)
      : parser.parseShard
        ? parser.parseShard(input, shard)
        : Promise.reject(
            new ParseFailure('INTERNAL_ERROR', 'This parser process cannot read part of a file.'),
          );
    parsing.then(
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
