import { stem } from './stemmer.js';
import { STOPWORDS } from './stopwords.js';

/** One word of a document, in reading order. Stopwords stay in the stream so phrases like "bill to" match. */
export interface WordToken {
  /** Stemmed lowercase form; stopwords and numbers are kept unstemmed. */
  term: string;
  /** The lowercase word as written, for reasoning. */
  surface: string;
  /** True for stopwords, numbers and one-letter fragments: part of phrases, never terms on their own. */
  isFiller: boolean;
  pageNumber: number;
  /** The first lines of the first page, where titles ("INVOICE", "MEMORANDUM") sit. */
  inTitle: boolean;
}

// Stemming is the hot path; the vocabulary of real documents repeats a lot, so remember recent stems.
const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

export const stemWord = (word: string): string => {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  const result = stem(word);
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(word, result);
  return result;
};

/** Lowercase ASCII with accents removed; a few spellings unified so that "e-mail" and "email" meet. */
export const normalizeText = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\be-mail/g, 'email');

const WORD = /[a-z0-9]+/g;

/** The lowercase words of a text, numbers included. */
export const wordsOf = (text: string): string[] => normalizeText(text).match(WORD) ?? [];

const isFillerWord = (word: string): boolean =>
  word.length < 2 || STOPWORDS.has(word) || !/[a-z]/.test(word) || word.length > 24;

/** Content words (lowercase, unstemmed, no stopwords or numbers) of a short text. */
export const contentWordsOf = (text: string): string[] => wordsOf(text).filter((w) => !isFillerWord(w));

/** Content terms (stemmed, no stopwords) of a short text such as a description or a rule. */
export const contentTermsOf = (text: string): string[] =>
  wordsOf(text)
    .filter((w) => !isFillerWord(w))
    .map(stemWord);

/** The phrase key of a multi-word expression: its words stemmed (stopwords kept) joined by spaces. */
export const phraseKeyOf = (text: string): string =>
  wordsOf(text)
    .map((w) => (isFillerWord(w) ? w : stemWord(w)))
    .join(' ');

/** "purchaseOrder", "purchase_order" and "PURCHASE-ORDER" all become "purchase order". */
export const splitIdentifier = (identifier: string): string =>
  identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-./:]+/g, ' ')
    .trim();

const TITLE_LINES = 2;
const TITLE_WORDS = 16;

export interface TokenizablePage {
  pageNumber: number;
  text: string;
}

export const tokenizePages = (pages: readonly TokenizablePage[]): WordToken[] => {
  const tokens: WordToken[] = [];
  pages.forEach((page, pageIndex) => {
    const lines = page.text.split(/\r?\n/);
    let contentLines = 0;
    let titleWords = 0;
    for (const line of lines) {
      const words = wordsOf(line);
      if (words.length === 0) continue;
      contentLines++;
      const lineInTitle = pageIndex === 0 && contentLines <= TITLE_LINES;
      for (const word of words) {
        const isFiller = isFillerWord(word);
        const inTitle = lineInTitle && titleWords < TITLE_WORDS;
        if (inTitle) titleWords++;
        tokens.push({
          term: isFiller ? word : stemWord(word),
          surface: word,
          isFiller,
          pageNumber: page.pageNumber,
          inTitle,
        });
      }
    }
  });
  return tokens;
};
