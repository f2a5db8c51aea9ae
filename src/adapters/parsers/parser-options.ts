/**
 * How the DocumentParser reads page images, and the container limits it applies when the caller's
 * ParseLimits leave them out. Plain data: it is also sent to isolated parser processes.
 */

import { availableParallelism } from 'node:os';
import type { ParseLimits } from '../../ports/parser.js';
import {
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENTS,
  DEFAULT_MAX_UNCOMPRESSED_BYTES,
  DEFAULT_MAX_ZIP_ENTRIES,
} from './container-parser.js';
import { DEFAULT_PAGE_SEGMENTATION_MODE, type OcrEngineChoice, type OcrOptions } from './ocr/engine.js';
import { DEFAULT_OCR_SETTINGS, type OcrSettings } from './ocr/page-ocr.js';

/** Limits of container formats (Office ZIPs, e-mails) that the server configures once for every file. */
export type ContainerLimits = Required<
  Pick<ParseLimits, 'maxUncompressedBytes' | 'maxZipEntries' | 'maxAttachments' | 'maxAttachmentBytes'>
>;

export interface DocumentParserOptions extends Partial<OcrSettings>, Partial<ContainerLimits> {
  /** `auto` (the default) uses the native tesseract command when it is on PATH, else tesseract.js. */
  ocrEngine?: OcrEngineChoice;
  /** OCR engine instances; at most the number of cores (the default). */
  ocrWorkers?: number;
  /** Tesseract's page segmentation mode (3, automatic, by default). */
  pageSegmentationMode?: number;
}

export function resolveOcrOptions(options: DocumentParserOptions): {
  engine: OcrOptions;
  settings: OcrSettings;
} {
  return {
    engine: {
      engine: options.ocrEngine ?? 'auto',
      workers: options.ocrWorkers ?? availableParallelism(),
      pageSegmentationMode: options.pageSegmentationMode ?? DEFAULT_PAGE_SEGMENTATION_MODE,
    },
    settings: {
      pageTimeoutMs: options.pageTimeoutMs ?? DEFAULT_OCR_SETTINGS.pageTimeoutMs,
      maxImagePixels: options.maxImagePixels ?? DEFAULT_OCR_SETTINGS.maxImagePixels,
      renderDpi: options.renderDpi ?? DEFAULT_OCR_SETTINGS.renderDpi,
    },
  };
}

export function resolveContainerLimits(options: DocumentParserOptions): ContainerLimits {
  return {
    maxUncompressedBytes: options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES,
    maxZipEntries: options.maxZipEntries ?? DEFAULT_MAX_ZIP_ENTRIES,
    maxAttachments: options.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS,
    maxAttachmentBytes: options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
  };
}

/** The caller's limits, with the parser's own where the caller gives none. */
export function withContainerLimits(limits: ParseLimits, defaults: ContainerLimits): ParseLimits {
  return {
    ...limits,
    maxUncompressedBytes: limits.maxUncompressedBytes ?? defaults.maxUncompressedBytes,
    maxZipEntries: limits.maxZipEntries ?? defaults.maxZipEntries,
    maxAttachments: limits.maxAttachments ?? defaults.maxAttachments,
    maxAttachmentBytes: limits.maxAttachmentBytes ?? defaults.maxAttachmentBytes,
  };
}
