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
  /** Set when the text came from OCR: the engine's mean word confidence for the page, from 0 to 1. */
  ocrConfidence?: number;
  /** Set when OCR read the page turned (it was scanned upside down or sideways): degrees clockwise. */
  ocrRotation?: 90 | 180 | 270;
}

/** A file carried inside another (an e-mail attachment); the caller stores it as a child file. */
export interface ParsedAttachment {
  fileName: string;
  /** As the container declares it; detection of the child trusts its bytes first anyway. */
  mimeType: string | null;
  bytes: Uint8Array;
  /** Shown in the body (an inline image referenced by cid) rather than listed as an attachment. */
  inline: boolean;
}

export interface ParsedDocument {
  fileType: FileType;
  mimeType: string;
  pages: ParsedPage[];
  /** Files inside this one (e-mail attachments), within ParseLimits' attachment caps. */
  attachments?: ParsedAttachment[];
  /** Attachments left out because they exceeded the caps: named so the caller can report them. */
  skippedAttachments?: { fileName: string; sizeBytes: number; reason: string }[];
}

export interface ParseLimits {
  /** Documents with more pages are refused with FILE_SIZE_TOO_LARGE. */
  maxPages: number;
  /** Wall-clock budget for one file; exceeded means INTERNAL_ERROR "timed out". */
  timeoutMs: number;
  /** ZIP-based files (DOCX, XLSX, PPTX): total uncompressed bytes allowed (zip bombs). Default 200 MB. */
  maxUncompressedBytes?: number;
  /** ZIP-based files: entries allowed. Default 10,000. */
  maxZipEntries?: number;
  /** E-mail: attachments returned as child files. Default 50; the rest are listed as skipped. */
  maxAttachments?: number;
  /** E-mail: total bytes of the attachments returned. Default 100 MB. */
  maxAttachmentBytes?: number;
  /** OCR of one page (an image, a scanned PDF page); exceeded means OCR_ERROR. Default: the parser's. */
  pageTimeoutMs?: number;
  /** Pixels allowed in one image (width x height, per page); beyond it FILE_SIZE_TOO_LARGE. Default: the parser's. */
  maxImagePixels?: number;
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
  /** Releases what the parser keeps between files (OCR engines, worker processes). */
  close?(): Promise<void>;
}
