/**
 * Turns the bytes of a file into per-page text. Parsers never throw plain errors for bad input:
 * they throw ParseFailure with one of Extend's parse failure reasons (spec §5.2).
 */

/** Extend's FileType enum (open): what `file.type` reports. */
export type FileType = 'PDF' | 'CSV' | 'IMG' | 'TXT' | 'DOCX' | 'EXCEL' | 'XML' | 'HTML' | 'EML' | 'PPTX';

export type ParseFailureReason =
  | 'UNABLE_TO_DOWNLOAD_FILE'
  | 'FILE_TYPE_NOT_SUPPORTED'
  | 'FILE_SIZE_TOO_LARGE'
  | 'CORRUPT_FILE'
  | 'OCR_ERROR'
  | 'PASSWORD_PROTECTED_FILE'
  | 'CHUNKING_ERROR'
  | 'INTERNAL_ERROR'
  | 'INVALID_CONFIG_OPTIONS';

export class ParseFailure extends Error {
  constructor(
    readonly reason: ParseFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ParseFailure';
  }
}

export interface ParsedPage {
  /** 1-based. */
  pageNumber: number;
  /** Plain text of the page, whitespace normalised, reading order. */
  text: string;
  /** Markdown where the format has structure (tables, headings); otherwise equal to text. */
  markdown: string;
}

export interface ParsedDocument {
  fileType: FileType;
  mimeType: string;
  pages: ParsedPage[];
}

export interface ParseLimits {
  /** Documents with more pages are refused with FILE_SIZE_TOO_LARGE. */
  maxPages: number;
  /** Wall-clock budget for one file; exceeded means INTERNAL_ERROR "timed out". */
  timeoutMs: number;
}

export interface ParseInput {
  bytes: Uint8Array;
  fileName: string;
  /** Declared content type, a hint only: detection trusts the bytes first. */
  mimeType?: string | null;
  password?: string | null;
  limits: ParseLimits;
}

export interface DetectedType {
  fileType: FileType;
  mimeType: string;
}

export interface DocumentParser {
  /** Identify the format from content (magic bytes) with the name as a hint; null when unsupported. */
  detect(bytes: Uint8Array, fileName: string, mimeType?: string | null): DetectedType | null;
  /** Parse or throw ParseFailure. */
  parse(input: ParseInput): Promise<ParsedDocument>;
}
