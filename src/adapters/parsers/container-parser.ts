/**
 * Parsers of container formats (Office files are ZIPs, e-mails carry attachments) need the caller's whole
 * ParseLimits and may return more than pages. Every FormatParser is also one of these, so the composite
 * dispatches to both through this type.
 */

import type { ParsedDocument, ParsedPage, ParseLimits } from '../../ports/parser.js';
import type { FormatInput } from './format-parser.js';

export interface ContainerInput extends FormatInput {
  limits: ParseLimits;
}

export type ContainerOutput = Pick<ParsedDocument, 'pages' | 'attachments' | 'skippedAttachments'>;

export type ContainerParser = (input: ContainerInput) => Promise<ContainerOutput>;

/** What the composite calls: a FormatParser (pages only) or a ContainerParser. */
export type AnyFormatParser = (input: ContainerInput) => Promise<ParsedPage[] | ContainerOutput>;

export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_ZIP_ENTRIES = 10_000;
export const DEFAULT_MAX_ATTACHMENTS = 50;
export const DEFAULT_MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;
