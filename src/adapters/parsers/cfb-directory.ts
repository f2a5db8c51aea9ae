/**
 * The names of the streams and storages in a Compound File Binary container ([MS-CFB]), the OLE format of
 * Office 97-2003 files, Outlook .msg files and encrypted Office Open XML files. Only the directory is read,
 * which is what tells these apart: "WordDocument", "Workbook", "PowerPoint Document", "__substg1.0_...",
 * or "EncryptionInfo" + "EncryptedPackage".
 */

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** Sector numbers at or above this are markers (free, end of chain, FAT, DIFAT), not sectors. */
const MAX_REGULAR_SECTOR = 0xfffffffa;
const HEADER_DIFAT_SLOTS = 109;
const DIRECTORY_ENTRY = 128;

export function isCfb(bytes: Uint8Array): boolean {
  return SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** Null when the container is damaged; the caller then falls back to the file name. */
export function readCfbNames(bytes: Uint8Array): string[] | null {
  if (!isCfb(bytes) || bytes.length < 512) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const sectorCount = Math.floor((bytes.length - sectorSize) / sectorSize) + 1;
  const sectorOffset = (sector: number): number => (sector + 1) * sectorSize;
  const fat = readFat(view, sectorSize, sectorCount, sectorOffset);
  if (!fat) return null;

  const names: string[] = [];
  let sector = view.getUint32(0x30, true);
  // A chain can loop in a damaged (or hostile) file: never visit more sectors than the file has.
  for (let visited = 0; sector <= MAX_REGULAR_SECTOR && visited < sectorCount; visited++) {
    const start = sectorOffset(sector);
    if (start + sectorSize > bytes.length) return null;
    for (let at = start; at < start + sectorSize; at += DIRECTORY_ENTRY) {
      const name = entryName(bytes, view, at);
      if (name) names.push(name);
    }
    sector = fat(sector);
  }
  return names;
}

/** Type 1 (storage) and 2 (stream) entries; the root and unused slots are skipped. */
function entryName(bytes: Uint8Array, view: DataView, at: number): string | null {
  const type = bytes[at + 0x42];
  if (type !== 1 && type !== 2) return null;
  const length = Math.min(view.getUint16(at + 0x40, true), 64);
  // The length counts the UTF-16 terminator.
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.max(0, length - 2)).toString('utf16le');
}

/** The FAT as a lookup, its sectors listed in the header's DIFAT slots and then the DIFAT chain. */
function readFat(
  view: DataView,
  sectorSize: number,
  sectorCount: number,
  sectorOffset: (sector: number) => number,
): ((sector: number) => number) | null {
  const fatSectors: number[] = [];
  for (let i = 0; i < HEADER_DIFAT_SLOTS; i++) fatSectors.push(view.getUint32(0x4c + i * 4, true));
  let difat = view.getUint32(0x44, true);
  for (let visited = 0; difat <= MAX_REGULAR_SECTOR && visited < sectorCount; visited++) {
    const start = sectorOffset(difat);
    if (start + sectorSize > view.byteLength) return null;
    for (let at = start; at < start + sectorSize - 4; at += 4) fatSectors.push(view.getUint32(at, true));
    difat = view.getUint32(start + sectorSize - 4, true);
  }
  const regular = fatSectors.filter((sector) => sector <= MAX_REGULAR_SECTOR);
  const perSector = sectorSize / 4;
  return (sector) => {
    const fatSector = regular[Math.floor(sector / perSector)];
    if (fatSector === undefined) return 0xfffffffe;
    const at = sectorOffset(fatSector) + (sector % perSector) * 4;
    return at + 4 <= view.byteLength ? view.getUint32(at, true) : 0xfffffffe;
  };
}
