import type { ParsedPage } from '../ports/parser.js';

/** Extend's Chunk (spec §5.2): page, document or section chunks over the parsed pages. */
export interface Chunk {
  object: 'chunk';
  type: 'page' | 'document' | 'section';
  content: string;
  metadata: {
    pageRange: { start: number; end: number };
    minOcrConfidence?: number | null;
    avgOcrConfidence?: number | null;
  };
  blocks: unknown[];
}

export interface ChunkingOptions {
  type: 'page' | 'document' | 'section';
  target: 'markdown' | 'spatial';
  maxCharacters?: number | undefined;
}

function contentOf(p: ParsedPage, target: ChunkingOptions['target']): string {
  return target === 'spatial' ? p.text : p.markdown;
}

function ocrMetadata(pages: ParsedPage[]) {
  const scores = pages
    .map((p) => (p as ParsedPage & { ocrConfidence?: number }).ocrConfidence)
    .filter((c): c is number => typeof c === 'number');
  if (!scores.length) return {};
  // Pages OCR read turned (scanned upside down or sideways), so that a reviewer can see why.
  const rotated = pages
    .filter((p) => p.ocrRotation !== undefined)
    .map((p) => ({ pageNumber: p.pageNumber, degrees: p.ocrRotation }));
  return {
    minOcrConfidence: Math.min(...scores),
    avgOcrConfidence: scores.reduce((a, b) => a + b, 0) / scores.length,
    ...(rotated.length > 0 ? { ocrRotations: rotated } : {}),
  };
}

function chunk(type: Chunk['type'], pages: ParsedPage[], content: string): Chunk {
  const first = pages[0]?.pageNumber ?? 1;
  const last = pages[pages.length - 1]?.pageNumber ?? first;
  return {
    object: 'chunk',
    type,
    content,
    metadata: { pageRange: { start: first, end: last }, ...ocrMetadata(pages) },
    blocks: [],
  };
}

/**
 * `page`: one chunk per page. `document`: one chunk. `section`: a new chunk at each Markdown
 * heading (or when `maxCharacters` would be exceeded), never splitting inside a page's line.
 */
export function chunkPages(pages: ParsedPage[], opts: ChunkingOptions): Chunk[] {
  if (opts.type === 'page') return pages.map((p) => chunk('page', [p], contentOf(p, opts.target)));
  if (opts.type === 'document') {
    return [chunk('document', pages, pages.map((p) => contentOf(p, opts.target)).join('\n\n'))];
  }
  const max = opts.maxCharacters ?? 8000;
  const out: Chunk[] = [];
  let lines: string[] = [];
  let from: ParsedPage[] = [];
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) out.push(chunk('section', from, text));
    lines = [];
    from = [];
  };
  for (const p of pages) {
    for (const line of contentOf(p, opts.target).split('\n')) {
      const size = lines.reduce((n, l) => n + l.length + 1, 0);
      if ((/^#{1,6}\s/.test(line) && lines.length > 0) || size + line.length > max) flush();
      lines.push(line);
      if (!from.includes(p)) from.push(p);
    }
  }
  flush();
  return out;
}

/** The pages a parse config asks for (`advancedOptions.pageRanges`, 1-based inclusive). */
export function pagesInRanges(
  pages: ParsedPage[],
  ranges: { start: number; end: number }[] | undefined,
): ParsedPage[] {
  if (!ranges?.length) return pages;
  return pages.filter((p) => ranges.some((r) => p.pageNumber >= r.start && p.pageNumber <= r.end));
}
