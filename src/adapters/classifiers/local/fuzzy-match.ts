/**
 * Tolerance for OCR noise: a document word that no profile knows ("memorandun", "lnvoice") is matched to the
 * profile word it shares most character trigrams with, when the overlap is high enough.
 */

export interface FuzzyIndex {
  /** trigram -> vocabulary words containing it */
  byTrigram: Map<string, string[]>;
  vocabulary: Set<string>;
  /** Remembered answers, since the same misspellings come back document after document. */
  memo: Map<string, string | null>;
}

/** Words shorter than this are too short to tell a typo from another word. */
export const FUZZY_MIN_LENGTH = 6;
/** Dice coefficient over trigrams needed for a match. */
const MIN_SIMILARITY = 0.72;
const MEMO_LIMIT = 20_000;

const trigramsOf = (word: string): string[] => {
  const padded = `^${word}$`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  return grams;
};

export const buildFuzzyIndex = (vocabulary: readonly string[]): FuzzyIndex => {
  const byTrigram = new Map<string, string[]>();
  const words = new Set<string>();
  for (const word of vocabulary) {
    if (word.length < FUZZY_MIN_LENGTH - 1) continue;
    words.add(word);
    for (const gram of new Set(trigramsOf(word))) {
      const list = byTrigram.get(gram) ?? [];
      list.push(word);
      byTrigram.set(gram, list);
    }
  }
  return { byTrigram, vocabulary: words, memo: new Map() };
};

/** The closest vocabulary word, or null. Ties go to the alphabetically first word, for determinism. */
export const fuzzyMatch = (index: FuzzyIndex, word: string): string | null => {
  if (word.length < FUZZY_MIN_LENGTH) return null;
  const remembered = index.memo.get(word);
  if (remembered !== undefined) return remembered;

  const grams = new Set(trigramsOf(word));
  const shared = new Map<string, number>();
  for (const gram of grams) {
    for (const candidate of index.byTrigram.get(gram) ?? [])
      shared.set(candidate, (shared.get(candidate) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestScore = MIN_SIMILARITY;
  for (const [candidate, count] of shared) {
    // OCR swaps letters inside a word; a different first letter or length is more often a different word.
    if (candidate[0] !== word[0] || Math.abs(candidate.length - word.length) > 1) continue;
    // A padded word of n letters has n trigrams.
    const score = (2 * count) / (grams.size + candidate.length);
    if (score > bestScore || (score === bestScore && best !== null && candidate < best)) {
      best = candidate;
      bestScore = score;
    }
  }
  if (index.memo.size >= MEMO_LIMIT) index.memo.clear();
  index.memo.set(word, best);
  return best;
};
