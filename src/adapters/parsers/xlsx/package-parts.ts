/**
 * The parts of a workbook's ZIP package, read straight from the bytes with node:zlib once zip-limits.ts has
 * proven the directory and every entry's size. Parts are inflated as a stream of chunks, so a sheet of
 * hundreds of megabytes of XML never exists as one buffer or string; jszip (pure-JS inflate, whole entries)
 * is not involved.
 */

import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ParseFailure } from '../../../ports/parser.js';
import { LOCAL_HEADER, type ZipEntry } from '../zip-directory.js';
import { XmlScanner, type XmlSink } from './xml-scanner.js';

const CHUNK = 64 * 1024;

export class PackageParts {
  private readonly entries = new Map<string, ZipEntry>();

  constructor(
    private readonly bytes: Uint8Array,
    entries: ZipEntry[],
  ) {
    // Part names are case-insensitive (OPC); a later duplicate wins, as it does in jszip.
    for (const entry of entries) this.entries.set(partKey(entry.name), entry);
  }

  has(name: string): boolean {
    return this.entries.has(partKey(name));
  }

  /** The part's bytes, inflated chunk by chunk; nothing when the part does not exist. */
  async *chunks(name: string): AsyncGenerator<Buffer> {
    const entry = this.entries.get(partKey(name));
    if (!entry) return;
    const data = this.entryData(entry);
    if (entry.method === 0) {
      for (let at = 0; at < data.length; at += CHUNK) yield data.subarray(at, at + CHUNK);
      return;
    }
    // Input in slices: the inflater then produces output only as fast as the scanner takes it.
    const inflate = Readable.from(slices(data)).pipe(createInflateRaw({ chunkSize: CHUNK }));
    let inflated = 0;
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        // zip-limits.ts proved the declared size already; this only keeps the promise if it ever did not.
        if (inflated > entry.uncompressedSize) throw corrupt(`${entry.name} inflates beyond its size`);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof ParseFailure) throw error;
      throw corrupt(`${entry.name} does not inflate (${(error as Error).message})`);
    } finally {
      inflate.destroy();
    }
  }

  /**
   * Feeds the part to the sink until the part ends or the sink stops; false when there is no such part.
   * `between` runs after every chunk: the cancellation and page-limit checks go there.
   */
  async scan(name: string, sink: XmlSink, between?: () => void): Promise<boolean> {
    if (!this.has(name)) return false;
    const scanner = new XmlScanner(sink);
    for await (const chunk of this.chunks(name)) {
      scanner.write(chunk);
      between?.();
      if (sink.stopped) break;
    }
    scanner.end();
    return true;
  }

  private entryData(entry: ZipEntry): Buffer {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.byteLength || view.getUint32(at, true) !== LOCAL_HEADER) {
      throw corrupt(`the local header of ${entry.name} is missing`);
    }
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.byteLength) throw corrupt(`${entry.name} is cut off`);
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, entry.compressedSize);
  }
}

/** Resolves a relationship target against the folder of the part that declares it (OPC §9.3). */
export function resolvePartName(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return parts.join('/');
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels` */
export function relationshipsPartName(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

function* slices(data: Buffer): Generator<Buffer> {
  for (let at = 0; at < data.length; at += CHUNK) yield data.subarray(at, at + CHUNK);
}

function partKey(name: string): string {
  return name.replace(/^\/+/, '').toLowerCase();
}

const corrupt = (detail: string): ParseFailure =>
  new ParseFailure('CORRUPT_FILE', `The Excel workbook could not be read: ${detail}.`);
