/**
 * PPTX through jszip and the slide XML: one page per slide, in the order the presentation lists them
 * (p:sldIdLst, which is the order PowerPoint shows; file names like slide7.xml need not match it), with
 * the slide's speaker notes after its content. A slide without text (a picture) is an empty page, so
 * page numbers stay slide numbers.
 */

import path from 'node:path/posix';
import JSZip from 'jszip';
import { type ParsedPage, ParseFailure } from '../../ports/parser.js';
import { blockPages } from './block-pages.js';
import type { ContainerParser } from './container-parser.js';
import { noText, tooManyPages } from './failures.js';
import { slideBlocks } from './pptx-slide.js';
import { findAll, parseXmlTree, type XmlElement } from './xml-tree.js';
import { checkZipLimits } from './zip-limits.js';

const PRESENTATION = 'ppt/presentation.xml';
const NOTES_RELATIONSHIP = /\/notesSlide$/;

export const parsePptx: ContainerParser = async ({ bytes, limits, maxPages, signal }) => {
  await checkZipLimits(bytes, limits, 'PowerPoint presentation');
  const zip = await open(bytes);
  const slides = await slideParts(zip);
  if (slides.length === 0)
    throw new ParseFailure('CORRUPT_FILE', 'The PowerPoint presentation has no slides.');
  if (slides.length > maxPages) throw tooManyPages(slides.length, maxPages, 'slides');
  const pages: ParsedPage[] = [];
  for (const slide of slides) {
    if (signal.aborted) throw new ParseFailure('INTERNAL_ERROR', 'Parsing was cancelled.');
    const blocks = slideBlocks(await readXml(zip, slide));
    const notesPart = (await relationships(zip, slide)).find((rel) => NOTES_RELATIONSHIP.test(rel.type));
    const notes = notesPart ? slideBlocks(await readXml(zip, notesPart.target), { skipFooters: true }) : [];
    if (notes.length > 0) blocks.push({ text: 'Notes:', markdown: '**Notes:**' }, ...notes);
    // One slide is one page, however long: packing with no size limit joins its blocks into one.
    const page = blockPages(blocks, Number.POSITIVE_INFINITY)[0];
    pages.push({ pageNumber: pages.length + 1, text: page?.text ?? '', markdown: page?.markdown ?? '' });
  }
  if (pages.every((page) => page.text === '')) throw noText('PowerPoint presentation');
  return { pages };
};

async function open(bytes: Uint8Array): Promise<JSZip> {
  try {
    return await JSZip.loadAsync(bytes);
  } catch (error) {
    throw new ParseFailure(
      'CORRUPT_FILE',
      `The PowerPoint presentation could not be read: ${(error as Error).message}`,
    );
  }
}

/** Slide parts in presentation order; by the number in their file name when presentation.xml is unusable. */
async function slideParts(zip: JSZip): Promise<string[]> {
  const listed = await listedSlides(zip).catch(() => []);
  if (listed.length > 0) return listed;
  return Object.keys(zip.files)
    .filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name))
    .sort((a, b) => slideNumber(a) - slideNumber(b));
}

async function listedSlides(zip: JSZip): Promise<string[]> {
  const rels = new Map((await relationships(zip, PRESENTATION)).map((rel) => [rel.id, rel.target]));
  const ids = findAll(await readXml(zip, PRESENTATION), 'sldId');
  return ids
    .map((sldId) => rels.get(relationshipId(sldId)))
    .filter((target): target is string => target !== undefined && zip.file(target) !== null);
}

function relationshipId(element: XmlElement): string {
  const key = Object.keys(element.attrs).find((name) => name === 'r:id' || name.endsWith(':id'));
  return key ? (element.attrs[key] ?? '') : '';
}

function slideNumber(name: string): number {
  return Number(/(\d+)\.xml$/.exec(name)?.[1] ?? 0);
}

interface Relationship {
  id: string;
  type: string;
  /** The target part's path inside the ZIP. */
  target: string;
}

/** A part's relationships (_rels/<name>.rels), targets resolved against the part's folder. */
async function relationships(zip: JSZip, part: string): Promise<Relationship[]> {
  const relsPath = path.join(path.dirname(part), '_rels', `${path.basename(part)}.rels`);
  if (!zip.file(relsPath)) return [];
  const root = await readXml(zip, relsPath);
  return findAll(root, 'Relationship')
    .filter((rel) => rel.attrs.TargetMode !== 'External')
    .map((rel) => {
      const target = rel.attrs.Target ?? '';
      return {
        id: rel.attrs.Id ?? '',
        type: rel.attrs.Type ?? '',
        target: target.startsWith('/')
          ? target.slice(1)
          : path.normalize(path.join(path.dirname(part), target)),
      };
    });
}

async function readXml(zip: JSZip, name: string): Promise<XmlElement> {
  const file = zip.file(name);
  if (!file) throw new ParseFailure('CORRUPT_FILE', `The PowerPoint presentation lacks its part ${name}.`);
  return parseXmlTree(await file.async('string'));
}
