/**
 * styles.xml, reduced to what a cell's `s` attribute means for its text: the number kind of each cell
 * format (cellXfs), through its numFmtId, custom (numFmts) before built-in.
 */

import { builtInKind, formatKind, type NumberKind } from './number-formats.js';
import type { PackageParts } from './package-parts.js';
import { visitor } from './workbook-part.js';

export type CellKinds = readonly NumberKind[];

export async function readCellKinds(parts: PackageParts, stylesPart: string): Promise<CellKinds> {
  const custom = new Map<number, string>();
  const formatIds: number[] = [];
  let inCellXfs = false;
  let inNumFmts = false;
  await parts.scan(
    stylesPart,
    visitor(
      (tag) => {
        if (tag.is('cellXfs')) inCellXfs = !tag.selfClosing;
        else if (tag.is('numFmts')) inNumFmts = !tag.selfClosing;
        // dxfs (conditional formats) have numFmt elements of their own: only the numFmts list counts.
        else if (tag.is('numFmt') && inNumFmts) {
          const code = tag.attribute('formatCode');
          if (code) custom.set(Number(tag.attribute('numFmtId')), code);
        } else if (tag.is('xf') && inCellXfs) formatIds.push(Number(tag.attribute('numFmtId') ?? 0));
      },
      (tag) => {
        if (tag.is('cellXfs')) inCellXfs = false;
        else if (tag.is('numFmts')) inNumFmts = false;
      },
    ),
  );
  return formatIds.map((id) => {
    const code = custom.get(id);
    return code === undefined ? builtInKind(id) : formatKind(code);
  });
}
