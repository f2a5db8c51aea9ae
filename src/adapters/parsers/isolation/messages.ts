/** What the parent and a parser process say to each other over the IPC channel (structured clone). */

import type { ParsedDocument, ParseFailureReason, ParseInput } from '../../../ports/parser.js';

export type ToChild = { type: 'parse'; id: number; input: ParseInput };

export type FromChild =
  | { type: 'ready' }
  | { type: 'parsed'; id: number; document: ParsedDocument }
  | { type: 'failed'; id: number; reason: ParseFailureReason; message: string };
