/**
 * A small, forgiving tree builder for machine-written markup: PowerPoint's slide XML and mammoth's HTML
 * (well-formed, self-closing `<br />` and `<img />`). A linear scanner, so a hostile file cannot make it
 * backtrack; element names lose their namespace prefix (`a:t` is `t`), which is all the readers need.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

const MAX_DEPTH = 200;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

export function parseXmlTree(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < xml.length) {
    const parent = stack[stack.length - 1] ?? root;
    if (xml[i] !== '<') {
      const end = indexOrEnd(xml, '<', i);
      parent.children.push(decodeEntities(xml.slice(i, end)));
      i = end;
    } else if (xml.startsWith('<!--', i)) i = after(xml, '-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) {
      const end = indexOrEnd(xml, ']]>', i + 9);
      parent.children.push(xml.slice(i + 9, end));
      i = Math.min(xml.length, end + 3);
    } else if (xml.startsWith('<?', i)) i = after(xml, '?>', i + 2);
    else if (xml.startsWith('<!', i)) i = after(xml, '>', i + 2);
    else if (xml[i + 1] === '/') {
      const end = indexOrEnd(xml, '>', i);
      const name = localName(xml.slice(i + 2, end).trim());
      // Close the nearest open element of that name; a stray end tag closes nothing.
      const open = stack.findLastIndex((element) => element.name === name);
      if (open > 0) stack.length = open;
      i = Math.min(xml.length, end + 1);
    } else {
      const end = tagEnd(xml, i + 1);
      const selfClosing = xml[end - 1] === '/';
      const source = xml.slice(i + 1, selfClosing ? end - 1 : end);
      const nameEnd = source.search(/[\s/]|$/);
      const element: XmlElement = {
        name: localName(source.slice(0, nameEnd)),
        attrs: readAttributes(source.slice(nameEnd)),
        children: [],
      };
      parent.children.push(element);
      // Past MAX_DEPTH elements become siblings: the text survives, the readers' recursion stays shallow.
      if (!selfClosing && stack.length < MAX_DEPTH) stack.push(element);
      i = Math.min(xml.length, end + 1);
    }
  }
  return root;
}

/** The `>` that ends a start tag, skipping quoted attribute values (XML allows a raw `>` inside them). */
function tagEnd(xml: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < xml.length; i++) {
    const char = xml[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return i;
  }
  return xml.length;
}

function readAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of source.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    // Attribute names keep their prefix: r:id (a relationship) and id (a number) are different things.
    attrs[match[1] ?? ''] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return attrs;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at === -1 ? text.length : at;
}

function after(text: string, search: string, from: number): number {
  return Math.min(text.length, indexOrEnd(text, search, from) + search.length);
}

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

export function isElement(node: XmlNode | undefined): node is XmlElement {
  return typeof node === 'object';
}

/** Child elements, optionally only those of one (local) name. */
export function elements(parent: XmlElement, name?: string): XmlElement[] {
  return parent.children.filter(
    (child): child is XmlElement => isElement(child) && (name === undefined || child.name === name),
  );
}

/** Every descendant element of that name, in document order, not looking inside a match. */
export function findAll(parent: XmlElement, name: string, found: XmlElement[] = []): XmlElement[] {
  for (const child of parent.children) {
    if (!isElement(child)) continue;
    if (child.name === name) found.push(child);
    else findAll(child, name, found);
  }
  return found;
}
