/**
 * The workbook part and its relationships: which sheets exist, in which order (as the workbook lists them,
 * which is the order of Excel's tabs), under which name and visibility, in which part; which parts hold the
 * shared strings and styles; and the date system (1900 or 1904). Paths follow the relationships, falling
 * back on the names Excel uses when a package has none.
 */

import { ParseFailure } from '../../../ports/parser.js';
import { type PackageParts, relationshipsPartName, resolvePartName } from './package-parts.js';
import type { XmlSink, XmlTag } from './xml-scanner.js';

export interface SheetEntry {
  name: string;
  /** The sheetId attribute; a nameless sheet is called `Sheet <id>`. */
  id: string;
  /** `visible` unless the workbook says `hidden` or `veryHidden`. */
  state: string;
  part: string;
}

export interface WorkbookInfo {
  sheets: SheetEntry[];
  date1904: boolean;
  sharedStringsPart: string;
  stylesPart: string;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

const OFFICE_DOCUMENT = /\/officeDocument$/;
const WORKSHEET = /\/worksheet$/;

export async function readWorkbook(parts: PackageParts): Promise<WorkbookInfo> {
  const root = await readRelationships(parts, '');
  const workbookPart = root.find((rel) => OFFICE_DOCUMENT.test(rel.type))?.target ?? 'xl/workbook.xml';
  const rels = await readRelationships(parts, workbookPart);
  const byId = new Map(rels.map((rel) => [rel.id, rel]));
  const listed: { name: string; id: string; state: string; relId: string }[] = [];
  let date1904 = false;
  let rootName: string | undefined;
  const found = await parts.scan(
    workbookPart,
    visitor((tag) => {
      rootName ??= tag.name;
      if (tag.is('sheet')) {
        listed.push({
          name: tag.attribute('name') ?? '',
          id: tag.attribute('sheetId') ?? String(listed.length + 1),
          state: tag.attribute('state') ?? 'visible',
          relId: tag.attribute('id', true) ?? '',
        });
      } else if (tag.is('workbookPr')) {
        date1904 = isTrue(tag.attribute('date1904'));
      }
    }),
  );
  if (!found || rootName !== 'workbook') {
    throw new ParseFailure('CORRUPT_FILE', 'The Excel workbook could not be read: it has no workbook part.');
  }
  const sheets: SheetEntry[] = [];
  for (const sheet of listed) {
    const rel = byId.get(sheet.relId);
    // Chart sheets, dialog sheets and macro sheets hold no cells to read.
    if (!rel || !(WORKSHEET.test(rel.type) || /worksheets\/[^/]+\.xml$/i.test(rel.target))) continue;
    if (!parts.has(rel.target)) continue;
    sheets.push({ name: sheet.name, id: sheet.id, state: sheet.state, part: rel.target });
  }
  const partOf = (type: RegExp, fallback: string): string =>
    rels.find((rel) => type.test(rel.type))?.target ?? resolvePartName(workbookPart, fallback);
  return {
    sheets,
    date1904,
    sharedStringsPart: partOf(/\/sharedStrings$/, 'sharedStrings.xml'),
    stylesPart: partOf(/\/styles$/, 'styles.xml'),
  };
}

/** A part's relationships with their targets resolved to part names; '' means the package's own. */
async function readRelationships(parts: PackageParts, part: string): Promise<Relationship[]> {
  const rels: Relationship[] = [];
  const relsPart = part === '' ? '_rels/.rels' : relationshipsPartName(part);
  await parts.scan(
    relsPart,
    visitor((tag) => {
      if (!tag.is('Relationship') || tag.attribute('TargetMode') === 'External') return;
      const target = tag.attribute('Target');
      if (target === undefined) return;
      rels.push({
        id: tag.attribute('Id') ?? '',
        type: tag.attribute('Type') ?? '',
        target: resolvePartName(part, target.trim()),
      });
    }),
  );
  return rels;
}

/** A sink that only looks at start tags: enough for the small parts read whole. */
export function visitor(onOpen: (tag: XmlTag) => void, onClose?: (tag: XmlTag) => void): XmlSink {
  return {
    capturing: false,
    stopped: false,
    open: onOpen,
    close: (tag) => onClose?.(tag),
    text: () => {},
  };
}

/** xsd:boolean */
export function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}
