/**
 * An incremental tag scanner for the machine-written XML inside a workbook: bytes go in chunk by chunk, tags
 * and wanted text come out, and nothing of the document is kept but the unfinished tail of the last chunk.
 * It works on UTF-8 bytes (`<`, `>` and quotes never occur inside a multi-byte character), so a tag costs no
 * string until the reader asks for a name or an attribute. Element names are compared without their
 * namespace prefix (`x:row` is `row`); it checks no well-formedness beyond what the readers need.
 */

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const COLON = 0x3a;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

const EMPTY = Buffer.alloc(0);

/** The tag just scanned; valid only during the open or close call that receives it. */
export class XmlTag {
  buf: Buffer = EMPTY;
  nameStart = 0;
  nameEnd = 0;
  /** Bounds of the attribute source: after the name, before `>` or `/>`. */
  attrsStart = 0;
  attrsEnd = 0;
  selfClosing = false;
  /** Bounds of the value the last successful find() matched, still escaped. */
  valueStart = 0;
  valueEnd = 0;

  /** Whether the local name (prefix dropped) is `name`. */
  is(name: string): boolean {
    if (this.nameEnd - this.nameStart !== name.length) return false;
    for (let i = 0; i < name.length; i++) {
      if (this.buf[this.nameStart + i] !== name.charCodeAt(i)) return false;
    }
    return true;
  }

  get name(): string {
    return this.buf.toString('latin1', this.nameStart, this.nameEnd);
  }

  /**
   * Finds an attribute by its exact name, or with `anyPrefix` by its local name behind some prefix
   * (`r:id`: the relationship namespace's prefix is the writer's choice), and records where its value is.
   */
  find(name: string, anyPrefix = false): boolean {
    const buf = this.buf;
    const end = this.attrsEnd;
    let i = this.attrsStart;
    while (i < end) {
      while (i < end && isSpace(buf[i])) i++;
      const nameStart = i;
      while (i < end && buf[i] !== EQUALS && !isSpace(buf[i])) i++;
      const nameEnd = i;
      while (i < end && buf[i] !== EQUALS) i++;
      i++;
      while (i < end && isSpace(buf[i])) i++;
      const quote = buf[i];
      if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return false;
      const valueEnd = buf.indexOf(quote, i + 1);
      if (valueEnd < 0 || valueEnd >= end) return false;
      if (nameEnd > nameStart && this.nameMatches(nameStart, nameEnd, name, anyPrefix)) {
        this.valueStart = i + 1;
        this.valueEnd = valueEnd;
        return true;
      }
      i = valueEnd + 1;
    }
    return false;
  }

  /** An attribute's value, entities decoded. */
  attribute(name: string, anyPrefix = false): string | undefined {
    if (!this.find(name, anyPrefix)) return undefined;
    return decodeXmlText(this.buf.toString('utf8', this.valueStart, this.valueEnd));
  }

  private nameMatches(start: number, end: number, name: string, anyPrefix: boolean): boolean {
    let from = start;
    if (anyPrefix) {
      const colon = this.buf.lastIndexOf(COLON, end - 1);
      if (colon < start) return false;
      from = colon + 1;
    }
    if (end - from !== name.length) return false;
    for (let i = 0; i < name.length; i++) if (this.buf[from + i] !== name.charCodeAt(i)) return false;
    return true;
  }
}

export interface XmlSink {
  /** True while the sink wants the character data it is in; other text is skipped without decoding. */
  readonly capturing: boolean;
  /** Set to stop: the rest of the document is not scanned. */
  readonly stopped: boolean;
  /** A start tag; a self-closing one is followed at once by close(). */
  open(tag: XmlTag): void;
  close(tag: XmlTag): void;
  /** Character data as written: entities are still escaped (CDATA arrives escaped too), pieces may split it. */
  text(raw: string): void;
}

export class XmlScanner {
  private carry: Buffer | null = null;
  private readonly tag = new XmlTag();

  constructor(private readonly sink: XmlSink) {}

  write(chunk: Buffer): void {
    if (this.sink.stopped) return;
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const consumed = this.scan(buf);
    // A copy, so the chunk the tail came from can be freed.
    this.carry = consumed < buf.length ? Buffer.from(buf.subarray(consumed)) : null;
  }

  /** Whatever is left is an unfinished tag of a truncated document: dropped. */
  end(): void {
    this.carry = null;
  }

  /** Returns how many bytes were consumed; the rest waits for the next chunk. */
  private scan(buf: Buffer): number {
    const sink = this.sink;
    const length = buf.length;
    let i = 0;
    while (i < length && !sink.stopped) {
      const lt = buf.indexOf(LT, i);
      if (lt < 0) {
        if (!sink.capturing) return length;
        // Hold back a character cut in two by the chunk boundary.
        const safe = utf8Boundary(buf, length);
        if (safe > i) sink.text(buf.toString('utf8', i, safe));
        return safe;
      }
      if (lt > i && sink.capturing) sink.text(buf.toString('utf8', i, lt));
      const next = buf[lt + 1];
      if (next === undefined) return lt;
      let end: number;
      if (next === BANG) end = this.special(buf, lt);
      else if (next === QUESTION) end = endOf(buf, '?>', lt + 2);
      else if (next === SLASH) end = this.endTag(buf, lt);
      else end = this.startTag(buf, lt);
      if (end < 0) return lt;
      i = end;
    }
    return length;
  }

  /** Comments, CDATA sections and declarations; returns the index after them, or -1 when cut off. */
  private special(buf: Buffer, lt: number): number {
    if (buf.length - lt < 9) return -1;
    if (startsWith(buf, lt, '<!--')) return endOf(buf, '-->', lt + 4);
    if (startsWith(buf, lt, '<![CDATA[')) {
      const close = buf.indexOf(']]>', lt + 9);
      if (close < 0) return -1;
      // Escaped, so that the sink decodes all its text one way.
      if (this.sink.capturing) this.sink.text(buf.toString('utf8', lt + 9, close).replace(/&/g, '&amp;'));
      return close + 3;
    }
    return endOf(buf, '>', lt + 2);
  }

  private endTag(buf: Buffer, lt: number): number {
    const gt = buf.indexOf(GT, lt + 2);
    if (gt < 0) return -1;
    let nameEnd = lt + 2;
    while (nameEnd < gt && !isSpace(buf[nameEnd])) nameEnd++;
    this.setName(buf, lt + 2, nameEnd);
    this.tag.attrsStart = nameEnd;
    this.tag.attrsEnd = nameEnd;
    this.tag.selfClosing = false;
    this.sink.close(this.tag);
    return gt + 1;
  }

  private startTag(buf: Buffer, lt: number): number {
    const gt = tagEnd(buf, lt + 1);
    if (gt < 0) return -1;
    const selfClosing = buf[gt - 1] === SLASH;
    const attrsEnd = selfClosing ? gt - 1 : gt;
    let nameEnd = lt + 1;
    while (nameEnd < attrsEnd && !isSpace(buf[nameEnd])) nameEnd++;
    const tag = this.tag;
    this.setName(buf, lt + 1, nameEnd);
    tag.attrsStart = nameEnd;
    tag.attrsEnd = attrsEnd;
    tag.selfClosing = selfClosing;
    this.sink.open(tag);
    if (selfClosing) this.sink.close(tag);
    return gt + 1;
  }

  private setName(buf: Buffer, start: number, end: number): void {
    const colon = buf.lastIndexOf(COLON, end - 1);
    this.tag.buf = buf;
    this.tag.nameStart = colon >= start ? colon + 1 : start;
    this.tag.nameEnd = end;
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five XML entities and character references; anything else is left as written. */
export function decodeXmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(
    /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g,
    (whole, hex, dec, name) => {
      if (name) return NAMED[name as string] ?? whole;
      const code = hex ? Number.parseInt(hex as string, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

/** The `>` ending a start tag, skipping quoted attribute values (a raw `>` is allowed inside them). */
function tagEnd(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const gt = buf.indexOf(GT, i);
    if (gt < 0) return -1;
    let quote = -1;
    for (let k = i; k < gt; k++) {
      const char = buf[k];
      if (char === DOUBLE_QUOTE || char === SINGLE_QUOTE) {
        quote = k;
        break;
      }
    }
    if (quote < 0) return gt;
    const close = buf.indexOf(buf[quote] ?? DOUBLE_QUOTE, quote + 1);
    if (close < 0) return -1;
    i = close + 1;
  }
}

function endOf(buf: Buffer, terminator: string, from: number): number {
  const at = buf.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

function startsWith(buf: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function isSpace(char: number | undefined): boolean {
  return char === 0x20 || char === 0x0a || char === 0x09 || char === 0x0d;
}

/** The end of the last complete UTF-8 character in buf[0, end). */
function utf8Boundary(buf: Buffer, end: number): number {
  let start = end - 1;
  while (start >= 0 && end - start < 4 && ((buf[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = buf[start] ?? 0;
  if (start < 0 || lead < 0xc0) return end;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return end - start < size ? start : end;
}
