/**
 * A reader for Compound File Binary containers ([MS-CFB]), the OLE format of Office 97-2003 files, Outlook
 * .msg files and encrypted Office Open XML files. The directory's names tell these apart ("WordDocument",
 * "Workbook", "PowerPoint Document", "__substg1.0_...", or "EncryptionInfo" + "EncryptedPackage"); the
 * streams themselves are read only for encrypted Office files, whose two streams hold the whole document.
 */

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** Sector numbers at or above this are markers (free, end of chain, FAT, DIFAT), not sectors. */
const MAX_REGULAR_SECTOR = 0xfffffffa;
const END_OF_CHAIN = 0xfffffffe;
const HEADER_DIFAT_SLOTS = 109;
const DIRECTORY_ENTRY = 128;
const MINI_SECTOR = 64;
const STORAGE = 1;
const STREAM = 2;
const ROOT = 5;

interface CfbEntry {
  name: string;
  type: number;
  start: number;
  size: number;
}

export interface CfbContainer {
  /** Storages and streams, the root left out. */
  names: string[];
  /** The first stream of that name, or null when there is none or its sectors cannot be followed. */
  stream(name: string): Uint8Array | null;
}

export function isCfb(bytes: Uint8Array): boolean {
  return SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** Null when the container is damaged; the caller then falls back to the file name. */
export function readCfbNames(bytes: Uint8Array): string[] | null {
  return openCfb(bytes)?.names ?? null;
}

/** Null when the header, the FAT or the directory cannot be read. */
export function openCfb(bytes: Uint8Array): CfbContainer | null {
  if (!isCfb(bytes) || bytes.length < 512) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const sectorCount = Math.floor((bytes.length - sectorSize) / sectorSize) + 1;
  const sectorOffset = (sector: number): number => (sector + 1) * sectorSize;
  const fat = readFat(view, sectorSize, sectorCount, sectorOffset);
  if (!fat) return null;
  // A chain can loop in a damaged (or hostile) file: never follow more sectors than the file has.
  const chain = (start: number, limit = sectorCount): number[] | null => {
    const sectors: number[] = [];
    for (let sector = start; sector <= MAX_REGULAR_SECTOR && sectors.length < limit; sector = fat(sector)) {
      if (sectorOffset(sector) + sectorSize > bytes.length) return null;
      sectors.push(sector);
    }
    return sectors;
  };
  const read = (start: number, size: number): Uint8Array | null => {
    const sectors = chain(start, Math.ceil(size / sectorSize));
    if (!sectors || sectors.length * sectorSize < size) return null;
    const out = new Uint8Array(size);
    sectors.forEach((sector, i) => {
      const from = sectorOffset(sector);
      out.set(bytes.subarray(from, from + Math.min(sectorSize, size - i * sectorSize)), i * sectorSize);
    });
    return out;
  };

  const directory = chain(view.getUint32(0x30, true));
  if (!directory) return null;
  const entries: CfbEntry[] = [];
  for (const sector of directory) {
    const start = sectorOffset(sector);
    for (let at = start; at < start + sectorSize; at += DIRECTORY_ENTRY) {
      const entry = readEntry(bytes, view, at, shift === 9);
      if (entry) entries.push(entry);
    }
  }

  const miniCutoff = view.getUint32(0x38, true);
  const root = entries.find((entry) => entry.type === ROOT);
  const streams = entries.filter((entry) => entry.type === STREAM);
  return {
    names: entries.filter((entry) => entry.type !== ROOT).map((entry) => entry.name),
    stream(name) {
      const entry = streams.find((each) => each.name === name);
      if (!entry || entry.size > bytes.length) return null;
      if (entry.size >= miniCutoff) return read(entry.start, entry.size);
      // Small streams live in 64-byte sectors of the mini stream (the root's data), chained by the mini FAT.
      if (!root || root.size > bytes.length) return null;
      const miniStream = read(root.start, root.size);
      const miniFatSectors = chain(view.getUint32(0x3c, true));
      if (!miniStream || !miniFatSectors) return null;
      const miniFat = (sector: number): number => {
        const fatSector = miniFatSectors[Math.floor(sector / (sectorSize / 4))];
        if (fatSector === undefined) return END_OF_CHAIN;
        return view.getUint32(sectorOffset(fatSector) + (sector % (sectorSize / 4)) * 4, true);
      };
      const out = new Uint8Array(entry.size);
      let sector = entry.start;
      for (let done = 0; done < entry.size; done += MINI_SECTOR, sector = miniFat(sector)) {
        const from = sector * MINI_SECTOR;
        if (sector > MAX_REGULAR_SECTOR || from + MINI_SECTOR > miniStream.length) return null;
        out.set(miniStream.subarray(from, from + Math.min(MINI_SECTOR, entry.size - done)), done);
      }
      return out;
    },
  };
}

/** Storages, streams and the root; unused slots are skipped. */
function readEntry(bytes: Uint8Array, view: DataView, at: number, version3: boolean): CfbEntry | null {
  const type = bytes[at + 0x42] ?? 0;
  if (type !== STORAGE && type !== STREAM && type !== ROOT) return null;
  const length = Math.min(view.getUint16(at + 0x40, true), 64);
  // The length counts the UTF-16 terminator.
  const name = Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.max(0, length - 2)).toString('utf16le');
  // Version 3 files may leave junk in the size's high half ([MS-CFB] 2.6.3).
  const high = version3 ? 0 : view.getUint32(at + 0x7c, true);
  const size = high === 0 ? view.getUint32(at + 0x78, true) : Number.MAX_SAFE_INTEGER;
  return { name, type, start: view.getUint32(at + 0x74, true), size };
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
    if (fatSector === undefined) return END_OF_CHAIN;
    const at = sectorOffset(fatSector) + (sector % perSector) * 4;
    return at + 4 <= view.byteLength ? view.getUint32(at, true) : END_OF_CHAIN;
  };
}
