/**
 * A PDF split across parser processes: shard `index` of `count` reads every count-th page, starting with
 * page index + 1. Interleaved rather than in halves, so that a run of scanned pages needing OCR lands on
 * every process alike. Each process opens the whole file (cheap next to its pages) and returns only its own
 * pages; the parent merges them back in page order.
 */

import { type ParsedDocument, ParseFailure, type ParseInput } from '../../ports/parser.js';
import { nothingLegible } from './ocr/page-ocr.js';

export interface PageShard {
  index: number;
  count: number;
}

export const inShard = (pageNumber: number, shard: PageShard): boolean =>
  (pageNumber - 1) % shard.count === shard.index;

/** A parser that can read one shard of a PDF (what a parser process serves). */
export interface ShardReader {
  parseShard(input: ParseInput, shard: PageShard): Promise<ParsedDocument>;
}

/**
 * The document from its shards, in shard order. The first shard to fail (in that order) fails the document,
 * as the unsplit parse would have: every shard meets the same file-wide failures (a password, a page limit).
 */
export function mergeShards(outcomes: readonly PromiseSettledResult<ParsedDocument>[]): ParsedDocument {
  const documents: ParsedDocument[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') throw outcome.reason;
    documents.push(outcome.value);
  }
  const [first] = documents;
  if (!first) throw new ParseFailure('INTERNAL_ERROR', 'The PDF was split into no parts.');
  const pages = documents.flatMap((document) => document.pages).sort((a, b) => a.pageNumber - b.pageNumber);
  // What the unsplit parse checks once the whole document is read (pdf.ts).
  if (pages.every((page) => page.text === '')) throw nothingLegible('PDF');
  return { ...first, pages };
}
