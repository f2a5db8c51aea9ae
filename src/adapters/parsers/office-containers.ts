/**
 * Tells Office files apart by what is inside their container, not by their name: a ZIP holding word/,
 * xl/ or ppt/ parts is DOCX, XLSX or PPTX whatever it is called (the corpus has a DOCX named .doc), and a
 * CFB (OLE) file is a legacy Office 97-2003 file, an Outlook message, or an encrypted Office Open XML file.
 * The name only decides when the container's directory cannot be read.
 */

import { ParseFailure } from '../../ports/parser.js';
import { isCfb, readCfbNames } from './cfb-directory.js';
import { unsupportedType } from './failures.js';
import { passwordNeeded } from './office-crypto/failures.js';
import { isZip, readZipDirectory } from './zip-directory.js';

export type OfficeFormat = 'docx' | 'xlsx' | 'pptx';

export type ContainerSniff =
  | { kind: 'office'; format: OfficeFormat }
  | {
      kind: 'unsupported';
      label: string;
      failure?: (fileName: string) => ParseFailure;
      /** A password-encrypted DOCX, XLSX or PPTX: the parser opens it when the file comes with its password. */
      encrypted?: true;
    };

/** Enough to find the main part of any real Office file; past it the parser's entry limit refuses the file. */
const DETECTION_MAX_ENTRIES = 50_000;

/** Main parts first: a DOCX may embed a workbook, but as word/embeddings/*.xlsx, never as xl/workbook.xml. */
const MAIN_PARTS: [string, OfficeFormat][] = [
  ['word/document.xml', 'docx'],
  ['xl/workbook.xml', 'xlsx'],
  ['ppt/presentation.xml', 'pptx'],
];
const PART_FOLDERS: [string, OfficeFormat][] = [
  ['word/', 'docx'],
  ['xl/', 'xlsx'],
  ['ppt/', 'pptx'],
];

/** Extensions that name an Office Open XML file, macro-enabled and template variants included. */
const OOXML_EXTENSIONS: Record<string, OfficeFormat> = {
  docx: 'docx',
  docm: 'docx',
  dotx: 'docx',
  dotm: 'docx',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  xltx: 'xlsx',
  xltm: 'xlsx',
  pptx: 'pptx',
  pptm: 'pptx',
  potx: 'pptx',
  potm: 'pptx',
  ppsx: 'pptx',
  ppsm: 'pptx',
};

const ZIP_LABELS: Record<string, string> = {
  odt: 'OpenDocument text',
  ods: 'OpenDocument spreadsheet',
  odp: 'OpenDocument presentation',
  epub: 'EPUB book',
};

const LEGACY: { streams: string[]; label: string; modern: string }[] = [
  { streams: ['WordDocument'], label: 'Word 97-2003 document', modern: '.docx' },
  { streams: ['Workbook', 'Book'], label: 'Excel 97-2003 workbook', modern: '.xlsx' },
  { streams: ['PowerPoint Document'], label: 'PowerPoint 97-2003 presentation', modern: '.pptx' },
];

const LEGACY_EXTENSIONS: Record<string, number> = { doc: 0, dot: 0, xls: 1, xlt: 1, ppt: 2, pps: 2, pot: 2 };

export function sniffContainer(bytes: Uint8Array, extension: string): ContainerSniff | null {
  if (isZip(bytes)) return sniffZip(bytes, extension);
  if (isCfb(bytes)) return sniffCfb(bytes, extension);
  return null;
}

function sniffZip(bytes: Uint8Array, extension: string): ContainerSniff {
  let names: Set<string> | null = null;
  try {
    names = new Set(readZipDirectory(bytes, DETECTION_MAX_ENTRIES).map((entry) => entry.name));
  } catch {
    // Unreadable: only the name can tell (below).
  }
  if (names) {
    const all = [...names];
    const format =
      MAIN_PARTS.find(([part]) => names.has(part))?.[1] ??
      (names.has('[Content_Types].xml')
        ? PART_FOLDERS.find(([folder]) => all.some((name) => name.startsWith(folder)))?.[1]
        : undefined);
    if (format) return { kind: 'office', format };
  }
  // Named like Office but not shaped like it: its parser reports what is wrong (CORRUPT_FILE).
  const byName = OOXML_EXTENSIONS[extension];
  if (byName) return { kind: 'office', format: byName };
  if (names?.has('mimetype') && names.has('content.xml')) {
    return modernOnly(ZIP_LABELS[extension] ?? 'OpenDocument file', 'Save it as .docx, .xlsx or .pptx');
  }
  if (names?.has('mimetype') && names.has('META-INF/container.xml'))
    return { kind: 'unsupported', label: 'EPUB book' };
  return { kind: 'unsupported', label: ZIP_LABELS[extension] ?? 'ZIP archive' };
}

function sniffCfb(bytes: Uint8Array, extension: string): ContainerSniff {
  const names = readCfbNames(bytes);
  if (names === null) return byLegacyExtension(extension);
  if (names.includes('EncryptionInfo') && names.includes('EncryptedPackage')) return encrypted();
  const legacy = LEGACY.find(({ streams }) => streams.some((stream) => names.includes(stream)));
  if (legacy) return modernOnly(legacy.label, `Save it as ${legacy.modern}`);
  if (names.some((name) => name.startsWith('__substg1.0_'))) {
    return modernOnly('Outlook message (MSG)', 'Save or export it as .eml');
  }
  return byLegacyExtension(extension);
}

function byLegacyExtension(extension: string): ContainerSniff {
  // An OLE file named like Office Open XML is what Office writes when a password encrypts the file.
  if (OOXML_EXTENSIONS[extension]) return encrypted();
  const legacy = LEGACY[LEGACY_EXTENSIONS[extension] ?? -1];
  if (legacy) return modernOnly(legacy.label, `Save it as ${legacy.modern}`);
  if (extension === 'msg') return modernOnly('Outlook message (MSG)', 'Save or export it as .eml');
  return { kind: 'unsupported', label: 'Microsoft Office 97-2003 file' };
}

function modernOnly(label: string, advice: string): ContainerSniff {
  return {
    kind: 'unsupported',
    label,
    failure: (fileName) =>
      new ParseFailure(
        'FILE_TYPE_NOT_SUPPORTED',
        `${unsupportedType(label, fileName).message} ${advice} and upload it again.`,
      ),
  };
}

function encrypted(): ContainerSniff {
  return {
    kind: 'unsupported',
    label: 'password-protected Office document',
    failure: passwordNeeded,
    encrypted: true,
  };
}
