/** What the parent and a parser process say to each other over the IPC channel (structured clone). */

import type { ParsedDocument, ParseFailureReason, ParseInput } from '../../../ports/parser.js';
import type { PageShard } from '../page-shard.js';

/** `shard`: read only that share of a PDF's pages (page-shard.ts). */
export type ToChild = { type: 'parse'; id: number; input: ParseInput; shard?: PageShard };

export type FromChild =
  | { type: 'ready' }
  | { type: 'parsed'; id: number; document: ParsedDocument }
  | { type: 'failed'; id: number; reason: ParseFailureReason; message: string };
