import type { CueHit } from './cue-definitions.js';
import { fuzzyMatch } from './fuzzy-match.js';
import type { CompiledModel } from './model.js';
import { detectCues } from './structural-cues.js';
import { splitIdentifier, type TokenizablePage, tokenizePages, type WordToken } from './tokenizer.js';

/** What a document offers to the scorer: counts of the terms, phrases and cues any profile looks for. */

export interface TermOccurrence {
  /** Weighted count: title words count more, OCR near-misses less. */
  count: number;
  /** Where it first occurs; 0 means the file name. */
  pageNumber: number;
  /** The words as written, for the reasoning. */
  surface: string;
  fuzzy: boolean;
}

export interface DocumentFeatures {
  terms: Map<string, TermOccurrence>;
  cues: Map<string, CueHit>;
  /** Content words (no stopwords, no numbers). */
  wordCount: number;
  /** The pages' words in reading order (without the file name's), for learned models to reuse. */
  pageTokens: WordToken[];
}

export const FEATURE_WEIGHTS = {
  /** Words in the first lines of the first page, where titles sit. */
  title: 2,
  fileName: 1.5,
  /** An OCR near-miss counts for this share of the word it resembles. */
  fuzzy: 0.5,
} as const;

const FILE_NAME_PAGE = 0;

const add = (
  terms: Map<string, TermOccurrence>,
  key: string,
  count: number,
  pageNumber: number,
  surface: string,
  fuzzy = false,
): void => {
  const previous = terms.get(key);
  if (previous === undefined) terms.set(key, { count, pageNumber, surface, fuzzy });
  else previous.count += count;
};

export const extractFeatures = (
  model: CompiledModel,
  pages: readonly TokenizablePage[],
  fileName?: string | null,
): DocumentFeatures => {
  const terms = new Map<string, TermOccurrence>();
  const pageTokens = tokenizePages(pages);
  let tokens = pageTokens;
  if (fileName !== null && fileName !== undefined && fileName.length > 0) {
    const stemless = fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '');
    const nameTokens = tokenizePages([{ pageNumber: FILE_NAME_PAGE, text: splitIdentifier(stemless) }]);
    for (const token of nameTokens) token.inTitle = false;
    tokens = [...nameTokens, ...pageTokens];
  }

  let wordCount = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const weight =
      token.pageNumber === FILE_NAME_PAGE
        ? FEATURE_WEIGHTS.fileName
        : token.inTitle
          ? FEATURE_WEIGHTS.title
          : 1;
    if (!token.isFiller) {
      if (token.pageNumber !== FILE_NAME_PAGE) wordCount++;
      add(terms, token.term, weight, token.pageNumber, token.surface);
    }
    let key = token.term;
    let surface = token.surface;
    for (let n = 2; n <= model.longestPhrase && i + n <= tokens.length; n++) {
      const next = tokens[i + n - 1]!;
      if (next.pageNumber !== token.pageNumber) break;
      key += ` ${next.term}`;
      surface += ` ${next.surface}`;
      if (model.phrases.has(key)) add(terms, key, weight, token.pageNumber, surface);
    }
  }

  // Words no profile knows may be OCR-damaged versions of words one does.
  for (const [key, occurrence] of [...terms]) {
    if (key.includes(' ') || model.postings.has(key) || model.penalties.has(key)) continue;
    const match = fuzzyMatch(model.fuzzy, key);
    if (match === null) continue;
    const existing = terms.get(match);
    if (existing === undefined) {
      add(
        terms,
        match,
        occurrence.count * FEATURE_WEIGHTS.fuzzy,
        occurrence.pageNumber,
        occurrence.surface,
        true,
      );
    } else {
      existing.count += occurrence.count * FEATURE_WEIGHTS.fuzzy;
    }
  }

  const cues = detectCues(pages, wordCount);
  for (const [key, hit] of cues) add(terms, key, hit.count, hit.pageNumber, hit.label);
  return { terms, cues, wordCount, pageTokens };
};
