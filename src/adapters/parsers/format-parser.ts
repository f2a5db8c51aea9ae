/** What the composite hands to each per-format parser. */

import type { ParsedPage } from '../../ports/parser.js';
import type { Format } from './detect.js';
import type { PageOcr } from './ocr/page-ocr.js';
import type { PageShard } from './page-shard.js';

export interface FormatInput {
  bytes: Uint8Array;
  format: Format;
  password: string | null;
  maxPages: number;
  /** Aborted when the time budget runs out; long parsers check it between units of work. */
  signal: AbortSignal;
  /** Reads page images (images, scanned PDF pages) under the per-page time and pixel limits. */
  ocr: PageOcr;
  /** PDF only: read just these pages, and leave the whole-document checks to whoever merges the shards. */
  shard?: PageShard;
}

/** Returns the pages (possibly some with empty text) or throws ParseFailure. */
export type FormatParser = (input: FormatInput) => Promise<ParsedPage[]>;
