/**
 * sharedStrings.xml: the one part held in memory whole (cells refer to any string by index), bounded by the
 * uncompressed-size limit. Each item is its text or the concatenation of its rich-text runs; phonetic
 * guides (rPh) are not part of the text.
 */

import { xstring } from './cell-text.js';
import type { PackageParts } from './package-parts.js';
import { decodeXmlText, type XmlSink, type XmlTag } from './xml-scanner.js';

export async function readSharedStrings(
  parts: PackageParts,
  part: string,
  between: () => void,
): Promise<string[]> {
  const sink = new SharedStringsSink();
  await parts.scan(part, sink, between);
  return sink.strings;
}

class SharedStringsSink implements XmlSink {
  readonly strings: string[] = [];
  capturing = false;
  readonly stopped = false;
  private raw = '';
  private phonetic = 0;

  open(tag: XmlTag): void {
    if (tag.is('t')) this.capturing = this.phonetic === 0;
    else if (tag.is('si')) this.raw = '';
    else if (tag.is('rPh')) this.phonetic++;
  }

  close(tag: XmlTag): void {
    if (tag.is('t')) this.capturing = false;
    else if (tag.is('si')) this.strings.push(xstring(decodeXmlText(this.raw)));
    else if (tag.is('rPh')) this.phonetic = Math.max(0, this.phonetic - 1);
  }

  text(raw: string): void {
    this.raw += raw;
  }
}
